using System.Text.Json;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Tests.Operations;

/// <summary>The dashboard's queries against a real SQLite file: the submission matrix, rejections by reason, the audit log, next deadlines.</summary>
public sealed class OperationsQueriesTests : IDisposable
{
    private const string PlanId = "binh-chuong-2026";
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);

    private readonly TestDatabase _db = new();
    private readonly IngestStore _store;

    public OperationsQueriesTests() => _store = new IngestStore(_db.Database);

    public void Dispose() => _db.Dispose();

    private static Plan Plan => Catalog.Find(PlanId)!;

    private static ReportingPeriod Period(string label) => Catalog.FindPeriod(Plan, label)!;

    private void Store(string department, string indicator, string period, DateOnly receivedLocal)
    {
        var message = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(),
            PlanId = PlanId,
            Department = department,
            Period = period,
            Indicators = [new IndicatorValue { Code = indicator, Value = 50m }],
        };
        // 10:00 local on that day.
        var receivedAt = HubTime.At(receivedLocal, new TimeOnly(10, 0));
        var reasons = SubmissionValidator.Validate(message, Catalog);
        Assert.Empty(reasons);
        _store.Store(new IncomingSubmission(message, message.MessageId, JsonSerializer.Serialize(message, PlanJson.Options), receivedAt, null, reasons));
    }

    private void Reject(params (string Code, string Field)[] reasons)
    {
        var id = Guid.NewGuid();
        _store.Store(new IncomingSubmission(null, id, "{}", DateTimeOffset.UtcNow, "someone",
            reasons.Select(r => new RejectionReason(r.Code, r.Field, $"{r.Code} at {r.Field}")).ToList()));
    }

    [Fact]
    public void SubmissionMatrix_marksOnTimeLateMissingAndPending_fromFirstReceiptsAndToday()
    {
        var q1 = Period("2026-Q1");
        Store("TTPVHCC", "1", "2026-Q1", q1.DepartmentDueDate);
        Store("VHXH", "12", "2026-Q1", q1.DepartmentDueDate.AddDays(3));
        var today = q1.DepartmentDueDate.AddDays(5);
        var later = Catalog.CalendarFor(Plan).First(p => p.DepartmentDueDate > today);

        IReadOnlyList<PeriodReceiptRow> receipts;
        using (var connection = _db.Open()) receipts = new IngestQueries(connection).FirstReceipts();
        var matrix = SubmissionMatrix.For(Plan, Catalog.CalendarFor(Plan), receipts, today);

        Assert.Equal(SubmissionStatus.OnTime, matrix.Cell("TTPVHCC", "2026-Q1")!.Status);
        Assert.Equal(SubmissionStatus.Late, matrix.Cell("VHXH", "2026-Q1")!.Status);
        var silent = SubmissionTimeliness.Expected(Plan, q1).First(d => d is not ("TTPVHCC" or "VHXH"));
        Assert.Equal(SubmissionStatus.Missing, matrix.Cell(silent, "2026-Q1")!.Status);
        Assert.Equal(SubmissionMatrix.Pending, matrix.Cell(silent, later.Period)!.Status);
        Assert.Equal(Catalog.CalendarFor(Plan).Count, matrix.Periods.Count);
        Assert.Contains("TTPVHCC", matrix.Departments);
    }

    [Fact]
    public void SubmissionMatrix_marksADepartmentSentBack_returned_untilItSendsANewerUpdate()
    {
        var q1 = Period("2026-Q1");
        Store("TTPVHCC", "1", "2026-Q1", q1.DepartmentDueDate);
        Store("VHXH", "12", "2026-Q1", q1.DepartmentDueDate);
        var returnedAt = HubTime.At(q1.DepartmentDueDate.AddDays(1), new TimeOnly(9, 0));
        using (var connection = _db.Open())
        {
            var approvals = new ChuyenDoiSo.Reporting.Approval.ApprovalStore(connection);
            approvals.Return(PlanId, "2026-Q1", "TTPVHCC", "kiểm tra lại", "vanphong", returnedAt.AddHours(-1), ChuyenDoiSo.Reporting.Approval.ApprovalStates.Draft);
            approvals.Return(PlanId, "2026-Q1", "TTPVHCC", "kiểm tra lại lần nữa", "vanphong", returnedAt, ChuyenDoiSo.Reporting.Approval.ApprovalStates.Draft);
            approvals.Return(PlanId, "2026-Q1", "VHXH", "thiếu số liệu", "vanphong", returnedAt, ChuyenDoiSo.Reporting.Approval.ApprovalStates.Draft);
        }
        // VHXH corrects the next day; TTPVHCC does not.
        Store("VHXH", "12", "2026-Q1", q1.DepartmentDueDate.AddDays(2));

        IReadOnlyList<PeriodReceiptRow> receipts;
        IReadOnlyList<(string, string)> returned;
        using (var connection = _db.Open())
        {
            receipts = new IngestQueries(connection).FirstReceipts();
            returned = new ChuyenDoiSo.Reporting.Approval.ApprovalStore(connection).StillReturned(PlanId);
        }
        var matrix = SubmissionMatrix.For(Plan, Catalog.CalendarFor(Plan), receipts, q1.DepartmentDueDate.AddDays(5), returned);

        Assert.Equal([("TTPVHCC", "2026-Q1")], returned);
        Assert.Equal(SubmissionMatrix.Returned, matrix.Cell("TTPVHCC", "2026-Q1")!.Status);
        Assert.Equal(SubmissionStatus.OnTime, matrix.Cell("VHXH", "2026-Q1")!.Status);
    }

    [Fact]
    public void RejectionsByReason_countsEachRejectionOncePerCode_mostFrequentFirst()
    {
        Reject(("unknown_indicator", "$.indicators[0].code"), ("unknown_indicator", "$.indicators[1].code"), ("impersonation", "$.department"));
        Reject(("unknown_indicator", "$.indicators[0].code"));

        IReadOnlyList<RejectionGroupRow> groups;
        IReadOnlyList<RejectionRow> recent;
        using (var connection = _db.Open())
        {
            var queries = new OperationsQueries(connection);
            groups = queries.RejectionsByReason();
            recent = queries.RecentRejections(10);
        }

        Assert.Equal([("unknown_indicator", 2L), ("impersonation", 1L)], groups.Select(g => (g.Code, g.Count)));
        Assert.StartsWith("unknown_indicator at $.indicators[", groups[0].Example, StringComparison.Ordinal);
        Assert.Equal(2, recent.Count);
        Assert.All(recent, r => Assert.Equal("someone", r.TransportUser));
    }

    [Fact]
    public void RecentRejections_marksStoredLater_onlyWhenTheSameContentWasStoredAfterAFault()
    {
        var message = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(), PlanId = PlanId, Department = "TTPVHCC", Period = "2026-Q1",
            Indicators = [new IndicatorValue { Code = "1", Value = 50m }],
        };
        var raw = JsonSerializer.Serialize(message, PlanJson.Options);
        var at = new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);
        // A fault after retries (a locked database) records the update as unprocessable; a re-drive then stores it.
        _store.Store(new IncomingSubmission(message, message.MessageId, raw, at, "binh-chuong-2026.TTPVHCC", [new RejectionReason("unprocessable", "$", "SqliteException: database is locked")]));
        _store.Store(new IncomingSubmission(message, message.MessageId, raw, at.AddMinutes(5), "binh-chuong-2026.TTPVHCC", []));
        // The same id with other content is a conflict: the stored update is not this one.
        var changed = message with { Indicators = [new IndicatorValue { Code = "1", Value = 60m }] };
        _store.Store(new IncomingSubmission(changed, changed.MessageId, JsonSerializer.Serialize(changed, PlanJson.Options), at.AddMinutes(10), "binh-chuong-2026.TTPVHCC", []));

        IReadOnlyList<RejectionRow> recent;
        using (var connection = _db.Open()) recent = new OperationsQueries(connection).RecentRejections(10);

        Assert.Equal(2, recent.Count);
        Assert.Equal([(true, "unprocessable"), (false, "conflict")],
            recent.OrderBy(r => r.ReceivedAt).Select(r => (r.StoredLater, JsonDocument.Parse(r.ReasonsJson).RootElement[0].GetProperty("code").GetString()!)));
    }

    [Fact]
    public void RecordAction_roundTripsTheAuditRow_newestFirst()
    {
        var at = new DateTimeOffset(2026, 11, 23, 8, 30, 15, TimeSpan.Zero);
        using var connection = _db.Open();
        var queries = new OperationsQueries(connection);

        var first = queries.RecordAction(at, "ops", "127.0.0.1", "redrive", "message:abc", 1, null);
        var second = queries.RecordAction(at.AddMinutes(1), "ops", "::1", "discard", "group:0123456789ab", 3, "cause");
        var rows = queries.RecentActions(10);

        Assert.True(second > first);
        Assert.Equal([second, first], rows.Select(r => r.Id));
        Assert.Equal(new OperatorActionRow { Id = first, At = at, Operator = "ops", RemoteAddress = "127.0.0.1", Action = "redrive", Target = "message:abc", Messages = 1, Detail = null }, rows[1]);
        Assert.Equal(("discard", 3L, "cause"), (rows[0].Action, rows[0].Messages, rows[0].Detail));
        Assert.Throws<ArgumentOutOfRangeException>(() => queries.RecordAction(at, "ops", null, "delete", "message:abc", 1, null));
        // The one audit log holds them, beside every other kind of row.
        Assert.Equal(["redrive", "discard"], new AuditLog(connection).For("message:abc").Concat(new AuditLog(connection).For("group:0123456789ab")).Select(a => a.Action));
    }

    [Fact]
    public void NextDeadlines_takeTheFirstSendTimeAfterNow_andNoneOnceThePlanYearIsOver()
    {
        var q1 = Period("2026-Q1");
        var sendAt = HubTime.At(q1.AdjustedDueDate, Plan.EffectiveCalendar.SendTimeOfDay);
        var ordered = Catalog.CalendarFor(Plan).OrderBy(p => p.AdjustedDueDate).ToList();
        var following = ordered[ordered.FindIndex(p => p.Period == "2026-Q1") + 1];

        var before = NextDeadlines.For(Catalog, sendAt.AddMinutes(-1)).Single(d => d.PlanId == PlanId);
        var after = NextDeadlines.For(Catalog, sendAt).Single(d => d.PlanId == PlanId);

        Assert.Equal(("2026-Q1", sendAt, TimeSpan.FromMinutes(1)), (before.Period.Period, before.SendAt, before.Until(sendAt.AddMinutes(-1))));
        Assert.Equal(following.Period, after.Period.Period);
        Assert.DoesNotContain(NextDeadlines.For(Catalog, sendAt), d => d.PlanId == "chanh-lo-2023");
    }
}
