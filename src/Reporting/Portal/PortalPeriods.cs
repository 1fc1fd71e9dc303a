using ChuyenDoiSo.Reporting.Calendar;

namespace ChuyenDoiSo.Reporting.Portal;

/// <summary>What a department sent for one period: how many versions, and when the one that counts arrived.</summary>
public sealed record SentSummary(string Period, int Versions, int Rejected, DateTimeOffset? CurrentReceivedAt, DateOnly? FirstReceivedDate);

/// <summary>One period on the department's start page (kỳ báo cáo đang mở), with its deadline (hạn gửi của bộ phận).</summary>
public sealed record OpenPeriod(ReportingPeriod Period, DateOnly Deadline, bool Overdue, SentSummary? Sent);

/// <summary>Which periods a department is asked about now. Pure: today is the caller's (the hub's local date).</summary>
public static class PortalPeriods
{
    /// <summary>
    /// The periods whose window has begun (today on or after the increment's first day) and that are still to send
    /// (not yet past the department's deadline) or late (past it with nothing accepted). Periods past their deadline
    /// with nothing sent come first (quá hạn), oldest first; then the rest by deadline. The deadline is the
    /// department's, <see cref="ReportingPeriod.DepartmentDueDate"/>, which the calendar has already moved off
    /// weekends and holidays.
    /// </summary>
    public static IReadOnlyList<OpenPeriod> Open(IReadOnlyList<ReportingPeriod> calendar, DateOnly today, IReadOnlyList<SentSummary> sent)
    {
        var byPeriod = sent.ToDictionary(s => s.Period, StringComparer.Ordinal);
        return calendar
            .Where(p => p.IncrementStart <= today)
            .Select(p =>
            {
                var summary = byPeriod.GetValueOrDefault(p.Period);
                var accepted = summary?.CurrentReceivedAt is not null;
                return new OpenPeriod(p, p.DepartmentDueDate, today > p.DepartmentDueDate && !accepted, summary);
            })
            .Where(o => o.Overdue || today <= o.Deadline)
            .OrderByDescending(o => o.Overdue)
            .ThenBy(o => o.Deadline)
            .ThenBy(o => o.Period.Period, StringComparer.Ordinal)
            .ToList();
    }
}
