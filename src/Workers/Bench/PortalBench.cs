using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Broker;
using ChuyenDoiSo.Workers.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChuyenDoiSo.Workers.Bench;

/// <summary>
/// `bench --portal`: the hub `run` builds, in-process on the embedded default with a fresh data folder, and N department
/// sessions at once (cycling over every seed plan's departments), each logging in over HTTP and submitting the form
/// several times. Prints p50/p95 of the form page (GET) and of submit-to-receipt (POST until the receipt page is shown).
/// </summary>
public static partial class PortalBench
{
    private const string Secret = "bench-portal-secret";

    public static async Task<int> RunAsync(ParseResult parse, int sessions, int rounds, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), $"chuyendoiso-bench-portal-{Guid.NewGuid():N}");
        var builder = CliSupport.CreateWebBuilder(parse, LogLevel.Warning);
        builder.Configuration["Hub:Data"] = data;
        builder.Configuration["Hub:Http:Urls"] = "http://127.0.0.1:0";
        builder.Configuration["Hub:Transport"] = "InMemory";
        builder.Configuration["Hub:RabbitMq:AccountSecret"] = Secret;
        await using var app = RunCommand.Build(builder);
        await app.StartAsync(cancellationToken);
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var catalog = app.Services.GetRequiredService<PlanCatalog>();
            var departments = catalog.Plans.SelectMany(p => p.Departments.Select(d => (Plan: p, Department: d))).ToList();
            var formTimes = new ConcurrentBag<double>();
            var submitTimes = new ConcurrentBag<double>();
            var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => Task.Run(async () =>
            {
                var (plan, department) = departments[i % departments.Count];
                var period = catalog.CalendarFor(plan)[^1].Period;
                using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
                var user = BrokerAccounts.UserName(plan.Id, department.Code);
                var login = await http.GetStringAsync("portal/login", cancellationToken);
                using (var signedIn = await http.PostAsync("portal/login", new FormUrlEncodedContent([new("__RequestVerificationToken", Token(login)), new("user", user), new("password", BrokerAccounts.PasswordFor(Secret, user))]), cancellationToken))
                    if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"login of {user}: {(int)signedIn.StatusCode}");
                var path = Wiring.PortalLinks.FormPath(plan.Id, period);
                for (var round = 0; round < rounds; round++)
                {
                    var sw = Stopwatch.StartNew();
                    var form = await http.GetStringAsync(path, cancellationToken);
                    formTimes.Add(sw.Elapsed.TotalMilliseconds);
                    var fields = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", Token(form)), new("stat.dossiers_received", (10 + round).ToString(System.Globalization.CultureInfo.InvariantCulture)) };
                    if (plan.Indicators.FirstOrDefault(x => x.IsReportableBy(department.Code)) is { } indicator)
                        fields.Add(new($"ind.{indicator.Code}.value", indicator.IsPercentage ? "50" : "1"));
                    fields.Add(new("narrative.results", $"Bench round {round}"));
                    sw.Restart();
                    using var posted = await http.PostAsync(path, new FormUrlEncodedContent(fields), cancellationToken);
                    if (posted.StatusCode != HttpStatusCode.SeeOther)
                    {
                        outcomes.AddOrUpdate($"http {(int)posted.StatusCode}", 1, (_, n) => n + 1);
                        continue;
                    }
                    var receipt = await http.GetStringAsync(posted.Headers.Location, cancellationToken);
                    submitTimes.Add(sw.Elapsed.TotalMilliseconds);
                    var outcome = OutcomePattern().Match(receipt) is { Success: true } m ? m.Groups[1].Value : "unknown";
                    outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                }
            }, cancellationToken)));
            var seconds = total.Elapsed.TotalSeconds;
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            Console.WriteLine($"portal: {sessions} concurrent sessions over {departments.Count} departments of {catalog.Plans.Count()} plans, {rounds} submits each, in-process `run` on the embedded default; {seconds:0.0} s in all");
            Console.WriteLine($"form page (GET): n={formTimes.Count} p50 {Percentile(formTimes, 50):0} ms, p95 {Percentile(formTimes, 95):0} ms");
            Console.WriteLine($"submit to receipt (POST, wait for the stored receipt, GET receipt page): n={submitTimes.Count} p50 {Percentile(submitTimes, 50):0} ms, p95 {Percentile(submitTimes, 95):0} ms");
            Console.WriteLine($"outcomes: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");
            return outcomes.Keys.All(k => k == "accepted") ? 0 : 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static double Percentile(IEnumerable<double> values, int p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static string Token(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("data-outcome=\"([a-z_]+)\"")]
    private static partial Regex OutcomePattern();
}
