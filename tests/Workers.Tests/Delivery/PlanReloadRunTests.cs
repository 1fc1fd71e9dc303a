using System.Net;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Tests.Faults;

namespace ChuyenDoiSo.Workers.Tests.Delivery;

/// <summary>
/// Issue 15 on the real program: a plan added, broken and removed in the plans folder of a running `run` is picked up by
/// its own timer (Hub:Plans:PollSeconds), without a restart, and shows on the dashboard and in /metrics.
/// </summary>
public sealed class PlanReloadRunTests : IDisposable
{
    private const string NewPlan = "thu-nghiem-2026";
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Run_picksUpAnAddedPlan_keepsItWhenBroken_andDropsItWhenRemoved_withoutARestart()
    {
        var seeds = TestPaths.CopySeeds(_folder.Combine("seeds"));
        var port = TestNetwork.FreePort();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Hub__Data"] = _folder.Combine("data"),
            ["Hub__Seeds"] = seeds,
            ["Hub__Http__Urls"] = $"http://127.0.0.1:{port}",
            ["Hub__Plans__PollSeconds"] = "1",
        };
        await using var hub = HubProcess.Start(_folder.Path, environment, "run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        using (var before = await hub.GetWhenListeningAsync(http, $"matrix?plan={NewPlan}"))
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        // A new commune's plan written into the folder (in one rename, as `plans import` does).
        var plan = JsonNode.Parse(File.ReadAllText(Path.Combine(seeds, "binh-chuong-2026.json")))!.AsObject();
        plan["id"] = NewPlan;
        plan["commune"]!["name"] = "Thử Nghiệm";
        var file = Path.Combine(seeds, $"{NewPlan}.json");
        Write(file, plan.ToJsonString(PlanJson.Indented));
        var matrix = await EventuallyAsync(http, $"matrix?plan={NewPlan}", HttpStatusCode.OK, hub);
        Assert.Contains("Thử Nghiệm", await matrix.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Matches($"hub_deadline_next_seconds\\{{[^}}]*plan=\"{NewPlan}\"", await http.GetStringAsync("metrics"));
        Assert.Equal(1, hub.Find($"Plan {NewPlan} added").Count);

        // Broken: logged with its problem, the version taken keeps working.
        Write(file, plan.ToJsonString(PlanJson.Indented).Replace("\"lead\": \"TTPVHCC\"", "\"lead\": \"NO_SUCH_UNIT\"", StringComparison.Ordinal));
        await EventuallyLoggedAsync(hub, "rejected, the previous version of " + NewPlan + " keeps working");
        Assert.Contains("NO_SUCH_UNIT", hub.Find("rejected, the previous version of " + NewPlan).First, StringComparison.Ordinal);
        using (var still = await http.GetAsync($"matrix?plan={NewPlan}")) Assert.Equal(HttpStatusCode.OK, still.StatusCode);

        // Removed: the plan is gone from the dashboard; the hub still runs.
        File.Delete(file);
        await EventuallyAsync(http, $"matrix?plan={NewPlan}", HttpStatusCode.NotFound, hub);
        Assert.DoesNotContain($"plan=\"{NewPlan}\"", await http.GetStringAsync("metrics"), StringComparison.Ordinal);
        Assert.False(hub.HasExited);
    }

    private static void Write(string file, string text)
    {
        File.WriteAllText(file + ".tmp", text);
        File.Move(file + ".tmp", file, overwrite: true);
    }

    private static async Task<HttpResponseMessage> EventuallyAsync(HttpClient http, string path, HttpStatusCode expected, HubProcess hub)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await http.GetAsync(path);
            if (response.StatusCode == expected) return response;
            response.Dispose();
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"{path} never answered {expected} within a minute\n{hub.Tail(30)}");
            await Task.Delay(250);
        }
    }

    private static async Task EventuallyLoggedAsync(HubProcess hub, string text)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (hub.Find(text).Count == 0)
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"never logged \"{text}\" within a minute\n{hub.Tail(30)}");
            await Task.Delay(250);
        }
    }
}
