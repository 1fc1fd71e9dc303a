using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Review;

/// <summary>One report under review as its page shows it: the draft as it will print today and what needs a decision.</summary>
public sealed record ReviewView(
    Plan Plan,
    ReportingPeriod Period,
    ApprovalRow? Row,
    string DraftHtml,
    IReadOnlyList<ReviewFinding> Findings,
    IReadOnlyList<ReviewDepartment> Departments,
    IReadOnlyDictionary<string, ApprovalEditRow> Sections,
    IReadOnlyList<AuditRow> History,
    DateTimeOffset DraftAt,
    DateTimeOffset SendAt,
    string? Number,
    IReadOnlyList<DeliveryRow> Deliveries,
    IReadOnlyList<DepartmentReceiptRow> LateUpdates)
{
    /// <summary>True when <see cref="DraftHtml"/> is the issued document (numbered, signed) rather than today's draft.</summary>
    public bool IsIssued => Number is not null && Row?.State == ApprovalStates.Approved;

    public string State => Row?.State ?? ApprovalStates.Draft;
    public bool IsOpen(DateTimeOffset now) => Row is not null || now >= DraftAt;
}

/// <summary>A line of the review index: a period of the user's plan whose draft is due or kept.</summary>
public sealed record ReviewEntry(ReportingPeriod Period, ApprovalRow? Row, DateTimeOffset SendAt);

/// <summary>Reads what the review pages show. Compiling is <see cref="ReportProducer"/>'s, deciding <see cref="ReviewFindings"/>'.</summary>
public sealed class ReviewReader(PlanRegistry registry, HubDatabase database, ReportProducer producer, OutgoingRegister register, DeliveryLedger ledger, TimeProvider clock)
{
    public PlanCatalog Catalog => registry.Current;

    /// <summary>The periods of a plan whose cut-off passed or whose draft is kept, the newest first.</summary>
    public IReadOnlyList<ReviewEntry> Index(Plan plan)
    {
        var now = clock.GetUtcNow();
        Dictionary<string, ApprovalRow> rows;
        using (var connection = database.Open()) rows = new ApprovalStore(connection).All(plan.Id).ToDictionary(r => r.Period, StringComparer.Ordinal);
        return Catalog.CalendarFor(plan)
            .Where(p => rows.ContainsKey(p.Period) || DeliverySchedule.DraftAt(p) <= now)
            .Select(p => new ReviewEntry(p, rows.GetValueOrDefault(p.Period), DeliverySchedule.SendAt(plan, p)))
            .Reverse()
            .ToList();
    }

    /// <summary>
    /// The page's content: before approval the draft compiled now (today's values); after it, the issued document as the
    /// register keeps it (its number, what was approved), and the updates that came after it.
    /// </summary>
    public ReviewView View(Plan plan, ReportingPeriod period)
    {
        var report = producer.Compile(plan, period.Period);
        var issued = register.Current(plan.Id, period.Period);
        using var connection = database.Open();
        var store = new ApprovalStore(connection);
        var row = store.Find(plan.Id, period.Period);
        var html = row?.State == ApprovalStates.Approved && issued?.Html is { } kept ? kept : HtmlReportRenderer.Render(report, new RenderOptions(HubTime.LocalDate(clock.GetUtcNow())));
        var returns = store.Returns(plan.Id, period.Period);
        var latest = store.LatestReceipts(plan.Id, period.Period);
        return new ReviewView(
            plan, period, row, html,
            ReviewFindings.For(report, returns, latest),
            ReviewFindings.Departments(report, returns, latest),
            store.CurrentEdits(plan.Id, period.Period),
            new AuditLog(connection).For(ApprovalStore.Target(plan.Id, period.Period)),
            DeliverySchedule.DraftAt(period),
            DeliverySchedule.SendAt(plan, period),
            issued?.Number,
            ledger.For(plan.Id, period.Period),
            store.Receipts(plan.Id, period.Period).Where(r => ApprovalWorkflow.IsLate(row?.ApprovedAt, r.ReceivedAt)).ToList());
    }

    /// <summary>The issued, signed PDF of an approved period; null before.</summary>
    public byte[]? IssuedPdf(Plan plan, string period) => register.Current(plan.Id, period)?.Pdf;
}
