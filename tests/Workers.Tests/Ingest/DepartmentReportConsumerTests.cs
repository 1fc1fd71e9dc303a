using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ChuyenDoiSo.Workers.Tests.Ingest;

/// <summary>
/// The consumer on MassTransit's test harness, with the host's registrations, a SQLite file of its own per
/// test and a fake clock: what it stores is read back from the file with Dapper.
/// </summary>
public sealed class DepartmentReportConsumerTests : IAsyncLifetime, IDisposable
{
    // An update's values are JSON columns of its submission row; these read them as tables.
    private const string StoredIndicators = "(SELECT i.value ->> 'code' AS code, CAST(i.value ->> 'value' AS REAL) AS value FROM submissions, json_each(submissions.indicators_json) i)";
    private const string StoredTasks = "(SELECT t.value ->> 'code' AS code, t.value ->> 'status' AS status, t.value ->> 'progress' AS progress FROM submissions, json_each(submissions.tasks_json) t)";
    private const string StoredStatistics = "(SELECT x.value ->> 'code' AS code, x.value ->> 'value' AS value FROM submissions, json_each(submissions.statistics_json) x)";

    private const string PlanId = "binh-chuong-2026";

    /// <summary>09:00 on 2 March 2026 in Asia/Ho_Chi_Minh: three days before the Q1 deadline (5 March).</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    /// <summary>What the senders claim; far from the clock, so a test can tell which one was stored.</summary>
    private static readonly DateTimeOffset ClaimedSubmittedAt = new(2026, 1, 15, 8, 30, 0, TimeSpan.FromHours(7));

    private readonly TempDataFolder _data = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private int _published;

    public async Task InitializeAsync()
    {
        // The host's own registrations (options, plans, database, store, broker identity), on a temp data folder,
        // with the fake clock in place of the system's.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Hub:Data"] = _data.Path;
        builder.Configuration["Hub:Seeds"] = TestPaths.Seeds;
        builder.AddReportingHub();
        var services = builder.Services;
        services.AddLogging();
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddMassTransitTestHarness(x => x.AddConsumer<DepartmentReportConsumer, DepartmentReportConsumerDefinition>());
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    /// <summary>xunit calls this after DisposeAsync, once the bus and the database are closed.</summary>
    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Consume_storesRawMessageAndNormalisedValues_whenUpdateIsValid()
    {
        var id = Guid.NewGuid();

        await PublishAndWaitAsync(Valid(id));

        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions WHERE message_id = @id AND plan_id = 'binh-chuong-2026' AND department = 'TTPVHCC' AND period = '2026-Q1'", new { id = id.ToString() }));
        var values = Query<(string Code, double? Value)>($"SELECT code, value FROM {StoredIndicators} ORDER BY code").ToDictionary(r => r.Code, r => r.Value);
        Assert.Equal(85d, values["1"]);
        Assert.Equal(30d, values["7"]!.Value, precision: 9);
        Assert.Equal(1, Count($"SELECT COUNT(*) FROM {StoredTasks} WHERE code = 'III.5.b' AND status = 'in_progress' AND progress = 50"));
        Assert.Equal(1, Count($"SELECT COUNT(*) FROM {StoredStatistics} WHERE code = 'dossiers_received' AND value = 120"));
        var raw = Query<string>("SELECT raw_json FROM submissions").Single();
        Assert.Contains(id.ToString(), raw, StringComparison.Ordinal);
        Assert.Contains("III.5.b", raw, StringComparison.Ordinal);
        Assert.Equal(["accepted"], Query<string>("SELECT outcome FROM receipts"));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rejections"));
        Assert.Empty(_harness.Published.Select<DepartmentReportRejected>());
    }

    [Fact]
    public async Task Consume_recordsReceiveTimeFromClock_notSubmittedAt()
    {
        await PublishAndWaitAsync(Valid(Guid.NewGuid()));
        _clock.Advance(TimeSpan.FromDays(6));
        await PublishAndWaitAsync(Valid(Guid.NewGuid(), department: "VP", indicator: "8"));

        var rows = Query<(string Department, string ReceivedAt, string ReceivedDate, string SubmittedAt)>(
            "SELECT department, received_at, received_date, submitted_at FROM submissions ORDER BY id").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(("TTPVHCC", DateTimeOffsetHandler.Format(Start), "2026-03-02"), (rows[0].Department, rows[0].ReceivedAt, rows[0].ReceivedDate));
        Assert.Equal(("VP", DateTimeOffsetHandler.Format(Start.AddDays(6)), "2026-03-08"), (rows[1].Department, rows[1].ReceivedAt, rows[1].ReceivedDate));
        // The sender's claim is kept for the audit trail, but it is not the receive time.
        Assert.All(rows, r => Assert.Equal(ClaimedSubmittedAt, DateTimeOffset.Parse(r.SubmittedAt, CultureInfo.InvariantCulture)));
        Assert.All(Query<string>("SELECT received_at FROM receipts"), r => Assert.NotEqual(DateTimeOffsetHandler.Format(ClaimedSubmittedAt), r));
    }

    [Fact]
    public async Task Consume_recordsPaperArrivalTime_whenReceivedAtHeaderIsSet()
    {
        var paper = new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(7));

        await PublishAndWaitAsync(Valid(Guid.NewGuid()), paper);

        Assert.Equal(DateTimeOffsetHandler.Format(paper), Query<string>("SELECT received_at FROM submissions").Single());
        Assert.Equal("2026-03-10", Query<string>("SELECT received_date FROM submissions").Single());
    }

    [Fact]
    public async Task Consume_storesOnceAndCountsDuplicate_whenSameMessageArrivesTwice()
    {
        var id = Guid.NewGuid();

        await PublishAndWaitAsync(Valid(id));
        _clock.Advance(TimeSpan.FromMinutes(5));
        await PublishAndWaitAsync(Valid(id));

        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(2, Count($"SELECT COUNT(*) FROM {StoredIndicators}"));
        Assert.Equal(["accepted", "duplicate"], Query<string>("SELECT outcome FROM receipts ORDER BY id"));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rejections"));
        Assert.Empty(_harness.Published.Select<DepartmentReportRejected>());
    }

    [Fact]
    public async Task Consume_rejectsAsConflictAndKeepsFirst_whenSameMessageIdArrivesWithDifferentContent()
    {
        var id = Guid.NewGuid();

        await PublishAndWaitAsync(Valid(id, value: 85m));
        await PublishAndWaitAsync(Valid(id, value: 40m));

        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(85d, Query<double>($"SELECT value FROM {StoredIndicators} WHERE code = '1'").Single());
        Assert.Equal(["accepted", "conflict"], Query<string>("SELECT outcome FROM receipts ORDER BY id"));
        Assert.Equal(["conflict"], ReasonCodes(Query<string>("SELECT reasons_json FROM rejections WHERE message_id = @id", new { id = id.ToString() }).Single()));
        var rejected = await PublishedRejectionAsync(id);
        Assert.Equal(["conflict"], rejected.Reasons.Select(r => r.Code));
        Assert.Equal("$.messageId", rejected.Reasons.Single().Field);
    }

    [Fact]
    public async Task Consume_storesRejectionAndPublishesEveryReason_whenDepartmentPeriodAndCodesAreUnknown()
    {
        var id = Guid.NewGuid();
        var message = Valid(id) with
        {
            Department = "NOPE",
            Period = "2027-Q1",
            Indicators = [new IndicatorValue { Code = "99", Value = 1 }],
            Tasks = [new TaskProgress { Code = "IX.9", Status = "done", Progress = 100 }],
        };

        await PublishAndWaitAsync(message);

        string[] expected = ["period_not_in_calendar", "unknown_department", "unknown_indicator", "unknown_task"];
        Assert.Equal(0, Count("SELECT COUNT(*) FROM submissions"));
        var stored = Query<(string Plan, string Department, string Period, string Reasons, string ReceivedAt)>(
            "SELECT plan_id, department, period, reasons_json, received_at FROM rejections WHERE message_id = @id", new { id = id.ToString() }).Single();
        Assert.Equal((PlanId, "NOPE", "2027-Q1"), (stored.Plan, stored.Department, stored.Period));
        Assert.Equal(expected, ReasonCodes(stored.Reasons).Order(StringComparer.Ordinal));
        Assert.Equal(DateTimeOffsetHandler.Format(Start), stored.ReceivedAt);
        Assert.Equal(["rejected"], Query<string>("SELECT outcome FROM receipts"));

        var rejected = await PublishedRejectionAsync(id);
        Assert.Equal((PlanId, "NOPE", "2027-Q1", Start), (rejected.PlanId, rejected.Department, rejected.Period, rejected.RejectedAt));
        Assert.Equal(expected, rejected.Reasons.Select(r => r.Code).Order(StringComparer.Ordinal));
        Assert.Contains(rejected.Reasons, r => r is { Code: "unknown_department", Field: "$.department" } && r.Message.Contains("NOPE", StringComparison.Ordinal));
        Assert.Contains(rejected.Reasons, r => r is { Code: "unknown_indicator", Field: "$.indicators[0].code" });
        Assert.Contains(rejected.Reasons, r => r is { Code: "unknown_task", Field: "$.tasks[0].code" });
    }

    [Fact]
    public async Task Consume_publishesEveryValueProblem_whenKnownDepartmentSendsBadValues()
    {
        var id = Guid.NewGuid();
        var message = Valid(id) with
        {
            Indicators =
            [
                new IndicatorValue { Code = "1", Value = 150 },                   // a percentage over 100
                new IndicatorValue { Code = "7", Numerator = 3, Denominator = 0 }, // denominator 0
                new IndicatorValue { Code = "8", Value = 100 },                   // led by VP, not TTPVHCC
            ],
            Tasks = [new TaskProgress { Code = "III.5.b", Status = "finished", Progress = 50 }],
        };

        await PublishAndWaitAsync(message);

        var rejected = await PublishedRejectionAsync(id);
        Assert.Equal(
            [("$.indicators[0].value", "out_of_range"), ("$.indicators[1].denominator", "zero_denominator"), ("$.indicators[2].code", "not_responsible"), ("$.tasks[0].status", "invalid_status")],
            rejected.Reasons.Select(r => (r.Field, r.Code)).OrderBy(r => r.Field, StringComparer.Ordinal));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(4, ReasonCodes(Query<string>("SELECT reasons_json FROM rejections").Single()).Count);
    }

    [Fact]
    public async Task Consume_rejectsWithUnknownPlan_whenPlanIdIsNotASeed()
    {
        var id = Guid.NewGuid();

        await PublishAndWaitAsync(Valid(id) with { PlanId = "khong-co-2026" });

        var rejected = await PublishedRejectionAsync(id);
        Assert.Equal(["unknown_plan"], rejected.Reasons.Select(r => r.Code));
        Assert.Equal("$.planId", rejected.Reasons.Single().Field);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM rejections WHERE plan_id = 'khong-co-2026'"));
    }

    [Fact]
    public async Task Consume_keepsStoring_afterAnInvalidUpdate()
    {
        var invalid = Guid.NewGuid();
        var valid = Guid.NewGuid();

        await PublishAndWaitAsync(Valid(invalid) with { Department = "NOPE" });
        await PublishAndWaitAsync(Valid(valid));

        Assert.Equal(["rejected", "accepted"], Query<string>("SELECT outcome FROM receipts ORDER BY id"));
        Assert.Equal([valid.ToString()], Query<string>("SELECT message_id FROM submissions"));
        Assert.Empty(_harness.Published.Select<Fault<DepartmentReportSubmitted>>());
    }

    [Fact]
    public async Task Consume_sortsOutEachMessage_whenValidDuplicateAndInvalidArriveTogether()
    {
        var id = Guid.NewGuid();
        var invalid = Guid.NewGuid();

        await PublishAndWaitAsync([Valid(id), Valid(id), Valid(invalid) with { Period = "2026-13" }]);

        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(
            [("accepted", id.ToString()), ("duplicate", id.ToString()), ("rejected", invalid.ToString())],
            Query<(string Outcome, string MessageId)>("SELECT outcome, message_id FROM receipts").OrderBy(r => r.Outcome, StringComparer.Ordinal));
        var rejected = await PublishedRejectionAsync(invalid);
        Assert.Equal(["period_not_in_calendar"], rejected.Reasons.Select(r => r.Code));
        Assert.Single(_harness.Published.Select<DepartmentReportRejected>());
    }

    [Fact]
    public async Task Consume_keepsBothAndCompilesNewer_whenDepartmentSendsCorrectedUpdate()
    {
        await PublishAndWaitAsync(Valid(Guid.NewGuid(), value: 70m) with { SubmittedBy = "Nguyễn Văn A" });
        _clock.Advance(TimeSpan.FromDays(1));
        await PublishAndWaitAsync(Valid(Guid.NewGuid(), value: 90m) with { SubmittedBy = "Trần Thị B" });

        Assert.Equal(
            [("Nguyễn Văn A", DateTimeOffsetHandler.Format(Start)), ("Trần Thị B", DateTimeOffsetHandler.Format(Start.AddDays(1)))],
            Query<(string SubmittedBy, string ReceivedAt)>("SELECT submitted_by, received_at FROM submissions ORDER BY id"));
        var catalog = _provider.GetRequiredService<PlanCatalog>();
        using var connection = _provider.GetRequiredService<HubDatabase>().Open();
        var report = ReportCompiler.Compile(connection, catalog, catalog.Find(PlanId)!, "2026-Q1");
        Assert.Equal(90m, report.Indicators.Single(i => i.Indicator.Code == "1").Value);
        // Timeliness is judged by the first update received.
        var ttpvhcc = report.Submissions.Single(s => s.Department.Code == "TTPVHCC");
        Assert.Equal((SubmissionStatus.OnTime, Start), (ttpvhcc.Status, ttpvhcc.ReceivedAt));
    }

    private static DepartmentReportSubmitted Valid(Guid id, decimal value = 85m, string department = "TTPVHCC", string indicator = "1") => new()
    {
        MessageId = id,
        PlanId = PlanId,
        Department = department,
        Period = "2026-Q1",
        SubmittedAt = ClaimedSubmittedAt,
        SubmittedBy = "Nguyễn Văn A",
        Indicators = department == "TTPVHCC"
            ? [new IndicatorValue { Code = indicator, Value = value }, new IndicatorValue { Code = "7", Numerator = 3, Denominator = 10 }]
            : [new IndicatorValue { Code = indicator, Value = value }],
        Tasks = department == "TTPVHCC" ? [new TaskProgress { Code = "III.5.b", Status = "in_progress", Progress = 50, Note = "Đang triển khai" }] : [],
        Statistics = department == "TTPVHCC" ? [new StatisticValue { Code = "dossiers_received", Value = 120 }] : [],
        Narrative = new Narrative { Results = "Triển khai đúng kế hoạch.", Difficulties = "Hạ tầng mạng còn chập chờn." },
    };

    private Task PublishAndWaitAsync(DepartmentReportSubmitted message, DateTimeOffset? receivedAtHeader = null) =>
        PublishAndWaitAsync([message], receivedAtHeader);

    /// <summary>Publishes and returns once the consumer has stored every message published so far.</summary>
    private async Task PublishAndWaitAsync(IReadOnlyList<DepartmentReportSubmitted> messages, DateTimeOffset? receivedAtHeader = null)
    {
        foreach (var message in messages)
        {
            await _harness.Bus.Publish(message, context =>
            {
                if (receivedAtHeader is { } at)
                    context.Headers.Set(DepartmentReportConsumer.ReceivedAtHeader, at.ToString("O", CultureInfo.InvariantCulture));
            });
        }
        _published += messages.Count;

        // The consumer harness records a message after the consumer has returned, i.e. after its group commit.
        var stored = 0;
        await foreach (var consumed in _harness.GetConsumerHarness<DepartmentReportConsumer>().Consumed.SelectAsync<DepartmentReportSubmitted>())
        {
            Assert.Null(consumed.Exception);
            stored++;
            if (stored >= _published) return;
        }
        Assert.Fail($"the consumer finished {stored} of {_published} updates before the harness went quiet");
    }

    private async Task<DepartmentReportRejected> PublishedRejectionAsync(Guid messageId)
    {
        await foreach (var published in _harness.Published.SelectAsync<DepartmentReportRejected>(x => x.Context.Message.MessageId == messageId))
            return published.Context.Message;
        Assert.Fail($"no DepartmentReportRejected was published for {messageId}");
        return null!;
    }

    private long Count(string sql, object? parameters = null)
    {
        using var connection = _provider.GetRequiredService<HubDatabase>().Open();
        return connection.ExecuteScalar<long>(sql, parameters);
    }

    private List<T> Query<T>(string sql, object? parameters = null)
    {
        using var connection = _provider.GetRequiredService<HubDatabase>().Open();
        return connection.Query<T>(sql, parameters).AsList();
    }

    private static List<string> ReasonCodes(string reasonsJson)
    {
        using var document = JsonDocument.Parse(reasonsJson);
        return document.RootElement.EnumerateArray().Select(r => FindProperty(r, "code")!.Value.GetString()!).ToList();
    }

    /// <summary>A property by name, whatever the casing the serializer chose.</summary>
    private static JsonElement? FindProperty(JsonElement element, string name) =>
        element.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();
}
