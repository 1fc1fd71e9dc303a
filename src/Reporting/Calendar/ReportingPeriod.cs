namespace ChuyenDoiSo.Reporting.Calendar;

/// <summary>Kinds of periodic report (báo cáo định kỳ).</summary>
public enum ReportKind
{
    Monthly,
    Quarterly,
    HalfYear,
    NineMonth,
    Annual,
}

public static class ReportKinds
{
    public static string ToLabel(this ReportKind kind) => kind switch
    {
        ReportKind.Monthly => "monthly",
        ReportKind.Quarterly => "quarterly",
        ReportKind.HalfYear => "half-year",
        ReportKind.NineMonth => "nine-month",
        ReportKind.Annual => "annual",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The Vietnamese name used in the report title.</summary>
    public static string ToVietnamese(this ReportKind kind, string period, int year) => kind switch
    {
        ReportKind.Monthly => $"tháng {int.Parse(period[5..], System.Globalization.CultureInfo.InvariantCulture)} năm {year}",
        ReportKind.Quarterly => $"quý I năm {year}",
        ReportKind.HalfYear => $"6 tháng đầu năm {year}",
        ReportKind.NineMonth => $"9 tháng năm {year}",
        ReportKind.Annual => $"năm {year}",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>
/// One report of the calendar (kỳ báo cáo). The data window runs from <see cref="WindowStart"/> to
/// <see cref="CutOff"/>, both inclusive (thời gian chốt số liệu); cumulative reports start at the
/// reporting year's start. <see cref="IncrementStart"/> is the day after the previous report's cut-off,
/// so successive reports' increments are contiguous. <see cref="DueDate"/> is the nominal due date
/// (hạn gửi báo cáo); <see cref="AdjustedDueDate"/> moves it to the next working day (Civil Code art. 148).
/// </summary>
public sealed record ReportingPeriod(
    string Period,
    ReportKind Kind,
    int Year,
    DateOnly WindowStart,
    DateOnly IncrementStart,
    DateOnly CutOff,
    DateOnly DueDate,
    DateOnly AdjustedDueDate,
    DateOnly DepartmentDueDate)
{
    public bool IsCumulative => Kind != ReportKind.Monthly;
}
