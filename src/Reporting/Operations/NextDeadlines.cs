using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Operations;

/// <summary>A plan's next report: the departments' deadline and when the compiled report leaves (the adjusted due date at sendTime).</summary>
public sealed record DeadlineRow(string PlanId, string Commune, ReportingPeriod Period, DateTimeOffset SendAt)
{
    public TimeSpan Until(DateTimeOffset now) => SendAt - now;
}

/// <summary>The next deadline of each plan after an instant. Pure: the instant is an input.</summary>
public static class NextDeadlines
{
    /// <summary>One row per plan whose calendar still has a report to send after <paramref name="now"/>; plans whose year is over have none.</summary>
    public static IReadOnlyList<DeadlineRow> For(PlanCatalog catalog, DateTimeOffset now)
    {
        var rows = new List<DeadlineRow>();
        foreach (var plan in catalog.Plans)
        {
            var next = catalog.CalendarFor(plan)
                .Select(p => (Period: p, SendAt: Deliver.DeliverySchedule.SendAt(plan, p)))
                .Where(x => x.SendAt > now)
                .OrderBy(x => x.SendAt)
                .FirstOrDefault();
            if (next.Period is not null) rows.Add(new DeadlineRow(plan.Id, plan.Commune.FullName, next.Period, next.SendAt));
        }
        return rows.OrderBy(r => r.SendAt).ToList();
    }
}
