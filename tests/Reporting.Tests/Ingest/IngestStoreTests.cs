using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

public sealed class IngestStoreTests : IDisposable
{
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly DateTimeOffset Received = new(2026, 3, 4, 3, 0, 0, TimeSpan.Zero); // 10:00 in Hà Nội

    private readonly TestDatabase _db = new();
    private readonly IngestStore _store;

    public IngestStoreTests() => _store = new IngestStore(_db.Database);

    public void Dispose() => _db.Dispose();

    private static DepartmentReportSubmitted Message(string id = "5d0c7f1e-0000-4000-8000-000000000001") => new()
    {
        MessageId = Guid.Parse(id),
        PlanId = "binh-chuong-2026",
        Department = "TTPVHCC",
        Period = "2026-Q1",
        SubmittedAt = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7)),
        SubmittedBy = "Nguyễn Văn A",
        Indicators =
        [
            new IndicatorValue { Code = "1", Value = 85m },
            new IndicatorValue { Code = "7", Numerator = 3, Denominator = 10 },
            new IndicatorValue { Code = "6", Numerator = 19, Denominator = 20, Value = 90m },
        ],
        Tasks = [new TaskProgress { Code = "III.5.b", Status = "in_progress", Progress = 50, Note = "Đang triển khai" }],
        Statistics = [new StatisticValue { Code = "dossiers_received", Value = 120 }, new StatisticValue { Code = "dossiers_online", Value = 80 }],
        Narrative = new Narrative { Results = "Kết quả", Difficulties = "Khó khăn", Proposals = "Đề xuất" },
    };

    /// <summary>What the consumer hands the store: the message, its raw JSON, and the validator's reasons.</summary>
    private static IncomingSubmission Incoming(DepartmentReportSubmitted message, DateTimeOffset? receivedAt = null) => new(
        message,
        message.MessageId,
        JsonSerializer.Serialize(message, PlanJson.Options),
        receivedAt ?? Received,
        null,
        SubmissionValidator.Validate(message, Catalog));

    // The values an update carries live in JSON columns of its row; these count them as rows.
    private const string Indicators = "submissions, json_each(submissions.indicators_json)";
    private const string Tasks = "submissions, json_each(submissions.tasks_json)";
    private const string Statistics = "submissions, json_each(submissions.statistics_json)";

    private long Count(string table)
    {
        using var connection = _db.Open();
        return connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}");
    }

    private List<string> ReceiptOutcomes()
    {
        using var connection = _db.Open();
        return connection.Query<string>("SELECT outcome FROM receipts ORDER BY id").AsList();
    }

    [Fact]
    public void Store_keepsRawMessageAndNormalisedRows_forAcceptedMessage()
    {
        var incoming = Incoming(Message());
        Assert.Empty(incoming.Reasons);

        var result = _store.Store(incoming);

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        Assert.Empty(result.Reasons);
        Assert.NotNull(result.SubmissionId);
        Assert.Equal((1L, 3L, 1L, 2L, 1L, 0L), (Count("submissions"), Count(Indicators), Count(Tasks), Count(Statistics), Count("receipts"), Count("rejections")));
        using var connection = _db.Open();
        var submission = connection.QuerySingle<(string MessageId, string PlanId, string Department, string Period, string Raw, string Results)>(
            "SELECT message_id, plan_id, department, period, raw_json, narrative_results FROM submissions");
        Assert.Equal(("5d0c7f1e-0000-4000-8000-000000000001", "binh-chuong-2026", "TTPVHCC", "2026-Q1", incoming.Raw, "Kết quả"), submission);
        var receipt = connection.QuerySingle<(string Outcome, long SubmissionId)>("SELECT outcome, submission_id FROM receipts");
        Assert.Equal(("accepted", result.SubmissionId!.Value), receipt);
    }

    [Fact]
    public void Store_computesRateFromCountsAndKeepsSentValueAsStated_whenCountsAreGiven()
    {
        _store.Store(Incoming(Message()));

        using var connection = _db.Open();
        var rows = connection.Query<(string Code, double? Value, double? Numerator, double? Denominator, double? Stated)>(
            "SELECT i.value ->> 'code', CAST(i.value ->> 'value' AS REAL), CAST(i.value ->> 'numerator' AS REAL), " +
            "CAST(i.value ->> 'denominator' AS REAL), CAST(i.value ->> 'statedValue' AS REAL) " +
            "FROM submissions, json_each(submissions.indicators_json) i ORDER BY 1").ToList();
        Assert.Equal(
            [("1", 85d, null, null, null), ("6", 95d, 19d, 20d, 90d), ("7", 30d, 3d, 10d, null)],
            rows.Select(r => (r.Code, r.Value, r.Numerator, r.Denominator, r.Stated)));
    }

    [Fact]
    public void Store_leavesNoRowsAtAll_whenALaterRowOfTheBatchFails()
    {
        // The database refuses the second update's row (as a full disk would, mid-transaction); everything the
        // batch wrote before it (the first update, its current row, its receipt) must go too.
        using (var connection = _db.Open())
            connection.Execute("""
                CREATE TRIGGER refuse_second BEFORE INSERT ON submissions
                WHEN NEW.message_id = '5d0c7f1e-0000-4000-8000-000000000002'
                BEGIN SELECT RAISE(ABORT, 'refused by test'); END
                """);

        Assert.Throws<SqliteException>(() => _store.Store([Incoming(Message()), Incoming(Message("5d0c7f1e-0000-4000-8000-000000000002"))]));

        Assert.Equal((0L, 0L, 0L, 0L), (Count("submissions"), Count("current_submissions"), Count("receipts"), Count("rejections")));
    }

    [Fact]
    public void Store_storesOnceAndCountsDuplicate_whenSameMessageIdAndContentArriveTwice()
    {
        var first = _store.Store(Incoming(Message()));
        var second = _store.Store(Incoming(Message(), Received.AddMinutes(5)));

        Assert.Equal(IngestOutcome.Accepted, first.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, second.Outcome);
        Assert.Equal(first.SubmissionId, second.SubmissionId);
        Assert.Equal(1L, Count("submissions"));
        Assert.Equal(3L, Count(Indicators));
        Assert.Equal(["accepted", "duplicate"], ReceiptOutcomes());
    }

    [Fact]
    public void Store_givesConflictAndKeepsOriginal_whenSameMessageIdArrivesWithOtherContent()
    {
        _store.Store(Incoming(Message()));
        var changed = Message() with { Indicators = [new IndicatorValue { Code = "1", Value = 40m }] };

        var result = _store.Store(Incoming(changed, Received.AddHours(1)));

        Assert.Equal(IngestOutcome.Conflict, result.Outcome);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal(("conflict", "$.messageId"), (reason.Code, reason.Field));
        Assert.Null(result.SubmissionId);
        Assert.Equal(1L, Count("submissions"));
        using var connection = _db.Open();
        Assert.Equal(85d, connection.ExecuteScalar<double>("SELECT i.value ->> 'value' FROM submissions, json_each(submissions.indicators_json) i WHERE i.value ->> 'code' = '1'"));
        Assert.Equal(3L, Count(Indicators));
        Assert.Equal(1L, Count("rejections"));
        Assert.Equal(["accepted", "conflict"], ReceiptOutcomes());
    }

    [Fact]
    public void Store_keepsRejectionWithEveryReasonAndAReceipt_forInvalidMessage()
    {
        var message = Message() with
        {
            Department = "KT",
            Period = "2026-03",
            Indicators = [new IndicatorValue { Code = "17", Value = 120m }, new IndicatorValue { Code = "99", Value = 1m }],
            Tasks = [],
        };
        var incoming = Incoming(message);
        Assert.Equal(3, incoming.Reasons.Count);

        var result = _store.Store(incoming);

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        Assert.Equal(incoming.Reasons, result.Reasons);
        Assert.Equal((0L, 1L), (Count("submissions"), Count("rejections")));
        using var connection = _db.Open();
        var rejection = connection.QuerySingle<(long Id, string MessageId, string PlanId, string Department, string Period, string ReasonsJson, string Raw)>(
            "SELECT id, message_id, plan_id, department, period, reasons_json, raw FROM rejections");
        Assert.Equal(("5d0c7f1e-0000-4000-8000-000000000001", "binh-chuong-2026", "KT", "2026-03", incoming.Raw),
            (rejection.MessageId, rejection.PlanId, rejection.Department, rejection.Period, rejection.Raw));
        using var reasons = JsonDocument.Parse(rejection.ReasonsJson);
        Assert.Equal(
            incoming.Reasons.Select(r => (r.Code, r.Field, r.Message)),
            reasons.RootElement.EnumerateArray().Select(e => (e.GetProperty("code").GetString()!, e.GetProperty("field").GetString()!, e.GetProperty("message").GetString()!)));
        var receipt = connection.QuerySingle<(string Outcome, long? SubmissionId, long RejectionId)>("SELECT outcome, submission_id, rejection_id FROM receipts");
        Assert.Equal(("rejected", (long?)null, rejection.Id), receipt);
    }

    [Fact]
    public void Store_keepsOneRejection_whenSameRejectedMessageArrivesTwice()
    {
        var message = Message() with { Department = "PHONG_MA" };

        var first = _store.Store(Incoming(message));
        var second = _store.Store(Incoming(message, Received.AddMinutes(1)));

        Assert.Equal(IngestOutcome.Rejected, first.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, second.Outcome);
        Assert.Equal(1L, Count("rejections"));
        Assert.Equal(["rejected", "duplicate"], ReceiptOutcomes());
    }

    [Fact]
    public void Store_keepsUnreadableMessage_asRejectionWithoutMessageId()
    {
        var read = SubmissionReader.Read("{ not json");
        var incoming = new IncomingSubmission(read.Message, read.MessageId, read.Raw, Received, null, read.Reasons);

        var result = _store.Store(incoming);

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        using var connection = _db.Open();
        Assert.Equal("{ not json", connection.ExecuteScalar<string>("SELECT raw FROM rejections"));
        Assert.Equal(["rejected"], ReceiptOutcomes());
    }

    [Fact]
    public void Store_givesOutcomePerMessage_forBatchWithAcceptedDuplicateAndRejected()
    {
        var good = Message();
        var bad = Message("5d0c7f1e-0000-4000-8000-000000000002") with { PlanId = "no-such-plan" };

        var results = _store.Store([Incoming(good), Incoming(good, Received.AddSeconds(1)), Incoming(bad)]);

        Assert.Equal([IngestOutcome.Accepted, IngestOutcome.Duplicate, IngestOutcome.Rejected], results.Select(r => r.Outcome));
        Assert.Equal(good.MessageId, results[0].MessageId);
        Assert.Equal(results[0].SubmissionId, results[1].SubmissionId);
        Assert.Equal("unknown_plan", Assert.Single(results[2].Reasons).Code);
        Assert.Equal((1L, 1L), (Count("submissions"), Count("rejections")));
        Assert.Equal(["accepted", "duplicate", "rejected"], ReceiptOutcomes());
    }

    [Fact]
    public void Store_writesReceivedDateAsLocalDay_forEveningUtcInstant()
    {
        // 20:00 UTC on 4 March is 03:00 on 5 March in Hà Nội: the local date is the 5th.
        _store.Store(Incoming(Message(), new DateTimeOffset(2026, 3, 4, 20, 0, 0, TimeSpan.Zero)));

        using var connection = _db.Open();
        Assert.Equal("2026-03-05", connection.ExecuteScalar<string>("SELECT received_date FROM submissions"));
        Assert.Equal(new DateOnly(2026, 3, 5), connection.QuerySingle<DateOnly>("SELECT received_date FROM submissions"));
    }

    [Theory]
    [InlineData("2026-03-04T20:00:00Z")] // what the bus stamps: clock.GetUtcNow()
    [InlineData("2026-03-05T03:00:00+07:00")] // what `ingest --received-at` and the demo pass: local time
    public void Store_writesReceivedAtAsUtcIsoText_whateverTheOffsetOfTheInstant(string instant)
    {
        // The schema says "UTC ISO-8601" and the queries order and MIN() received_at as text: that only works if
        // every instant is written in one offset and one format (DateTimeOffsetHandler.Format).
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        _store.Store(Incoming(Message(), at));

        using var connection = _db.Open();
        Assert.Equal("2026-03-04T20:00:00.0000000Z", connection.ExecuteScalar<string>("SELECT received_at FROM submissions"));
    }

    [Fact]
    public void DateOnlyHandler_roundTripsDateAsIsoText_throughSqlite()
    {
        using var connection = _db.Open();
        connection.Execute("CREATE TABLE day_probe (id INTEGER PRIMARY KEY, day TEXT NOT NULL)");
        var day = new DateOnly(2026, 2, 9);

        connection.Execute("INSERT INTO day_probe (id, day) VALUES (1, @day)", new { day });

        Assert.Equal("2026-02-09", connection.ExecuteScalar<string>("SELECT day FROM day_probe"));
        Assert.Equal(day, connection.QuerySingle<DateOnly>("SELECT day FROM day_probe"));
        Assert.Equal(day, connection.QuerySingle<DayProbe>("SELECT id AS Id, day AS Day FROM day_probe").Day);
    }

    [Fact]
    public void HubTime_givesNextLocalDay_forInstantAt2000Utc()
    {
        Assert.Equal(new DateOnly(2026, 3, 5), HubTime.LocalDate(new DateTimeOffset(2026, 3, 4, 20, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 3, 4), HubTime.LocalDate(new DateTimeOffset(2026, 3, 4, 16, 59, 59, TimeSpan.Zero)));
    }

    [Fact]
    public void DateTimeOffsetHandler_roundTripsInstant_throughSqlite()
    {
        using var connection = _db.Open();
        connection.Execute("CREATE TABLE instant_probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL)");
        var at = new DateTimeOffset(2026, 3, 5, 3, 0, 0, 123, TimeSpan.FromHours(7)).AddTicks(4567);

        connection.Execute("INSERT INTO instant_probe (id, at) VALUES (1, @at)", new { at });
        var back = connection.QuerySingle<InstantProbe>("SELECT id AS Id, at AS At FROM instant_probe").At;

        Assert.Equal(at.UtcTicks, back.UtcTicks);
        Assert.Equal(at, back); // DateTimeOffset equality compares instants
    }

    [Fact]
    public void IngestQueries_readsFirstReceiptInstantAndLocalDate_backFromSubmissions()
    {
        var first = new DateTimeOffset(2026, 3, 4, 20, 0, 0, TimeSpan.Zero);
        _store.Store(Incoming(Message(), first));
        _store.Store(Incoming(Message("5d0c7f1e-0000-4000-8000-000000000002"), first.AddDays(2)));

        using var connection = _db.Open();
        var row = Assert.Single(new IngestQueries(connection).FirstReceipts());

        Assert.Equal(("binh-chuong-2026", "2026-Q1", "TTPVHCC"), (row.PlanId, row.Period, row.Department));
        Assert.Equal(first, row.FirstReceivedAt);
        Assert.Equal(new DateOnly(2026, 3, 5), row.FirstReceivedDate);
    }

    [Fact]
    public void IngestQueries_givesEarliestInstantAsFirstReceipt_whenInstantsCarryDifferentOffsets()
    {
        // 01:00 on 5/3 in Hà Nội is 18:00 UTC on 4/3: earlier than 20:00 UTC on 4/3, whatever the text looks like.
        var earlier = new DateTimeOffset(2026, 3, 5, 1, 0, 0, TimeSpan.FromHours(7));
        var later = new DateTimeOffset(2026, 3, 4, 20, 0, 0, TimeSpan.Zero);
        _store.Store(Incoming(Message(), earlier));
        _store.Store(Incoming(Message("5d0c7f1e-0000-4000-8000-000000000002"), later));

        using var connection = _db.Open();
        var row = Assert.Single(new IngestQueries(connection).FirstReceipts());

        Assert.Equal(earlier, row.FirstReceivedAt);
        Assert.Equal(new DateOnly(2026, 3, 5), row.FirstReceivedDate);
    }

    public sealed record DayProbe
    {
        public long Id { get; init; }
        public DateOnly Day { get; init; }
    }

    public sealed record InstantProbe
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
    }
}
