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
/// Then the office's review page: every plan is read with `approval: required` (a copy of the seeds), and one office user
/// opens the review of the latest period whose cut-off has passed, and its draft PDF, many times: p50/p95 of each.
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
        builder.Configuration["Hub:Seeds"] = ApprovalSeeds(Wiring.HubOptionsReader.Read(builder.Configuration).ResolveSeeds(), Path.Combine(data, "seeds"));
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
            var reviewed = await ReviewAsync(app.Services, address, catalog, cancellationToken);
            return outcomes.Keys.All(k => k == "accepted") && reviewed ? 0 : 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A copy of the seeds in which every plan says approval: required.</summary>
    private static string ApprovalSeeds(string seeds, string copy)
    {
        foreach (var folder in new[] { "", "holidays", "higher" }.Where(f => Directory.Exists(Path.Combine(seeds, f))))
        {
            Directory.CreateDirectory(Path.Combine(copy, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(seeds, folder), "*.json"))
                File.Copy(file, Path.Combine(copy, folder, Path.GetFileName(file)));
        }
        foreach (var file in Directory.EnumerateFiles(copy, "*.json"))
            if (System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file)) is System.Text.Json.Nodes.JsonObject plan && plan["departments"] is not null)
            {
                plan["approval"] = ApprovalModes.Required;
                File.WriteAllText(file, plan.ToJsonString(PlanJson.Indented));
            }
        return copy;
    }

    /// <summary>One office user opens the review page of the plan with the most departments, and its draft PDF, 30 and 10 times.</summary>
    private static async Task<bool> ReviewAsync(IServiceProvider services, Uri address, PlanCatalog catalog, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var plan = catalog.Plans.OrderByDescending(p => p.Departments.Count).First();
        var period = catalog.CalendarFor(plan).LastOrDefault(p => Reporting.Deliver.DeliverySchedule.DraftAt(p) <= now);
        if (period is null)
        {
            Console.WriteLine($"review page: skipped, no period of {plan.Id} has reached its cut-off on {now:yyyy-MM-dd}");
            return true;
        }
        const string user = "bench.office";
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        using (var connection = services.GetRequiredService<Reporting.Storage.HubDatabase>().Open())
            new Reporting.Users.UserStore(connection).Add(user, plan.Id, Reporting.Users.UserRoles.Office, "bench@example.invalid", Reporting.Users.PasswordHash.Hash(password), now, "bench");
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        var login = await http.GetStringAsync("review/login", cancellationToken);
        using (var signedIn = await http.PostAsync("review/login", new FormUrlEncodedContent([new("__RequestVerificationToken", Token(login)), new("user", user), new("password", password)]), cancellationToken))
            if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"review login: {(int)signedIn.StatusCode}");
        var path = Wiring.ReviewLinks.ReviewPath(plan.Id, period.Period).TrimStart('/');
        var pageTimes = new List<double>();
        var pdfTimes = new List<double>();
        var size = 0;
        for (var i = 0; i < 30; i++)
        {
            var sw = Stopwatch.StartNew();
            size = (await http.GetStringAsync(path, cancellationToken)).Length;
            pageTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        for (var i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            using var pdf = await http.GetAsync(path + "/draft.pdf", cancellationToken);
            if (!pdf.IsSuccessStatusCode) throw new InvalidOperationException($"draft.pdf: {(int)pdf.StatusCode}");
            await pdf.Content.ReadAsByteArrayAsync(cancellationToken);
            pdfTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"review page of {plan.Id} {period.Period} ({plan.Departments.Count} departments, {plan.Indicators.Count} indicators; compiled, HTML and findings each time, {size / 1024} KiB): n={pageTimes.Count} p50 {Percentile(pageTimes, 50):0} ms, p95 {Percentile(pageTimes, 95):0} ms");
        Console.WriteLine($"draft PDF (compiled, rendered with DỰ THẢO and kept each time): n={pdfTimes.Count} p50 {Percentile(pdfTimes, 50):0} ms, p95 {Percentile(pdfTimes, 95):0} ms");
        return true;
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
