namespace ChuyenDoiSo.Reporting.Calendar;

/// <summary>
/// A plan's reporting calendar (chế độ báo cáo). The default is Tam Phước's section VI.10:
/// monthly reports for months 1, 2, 4, 5, 7, 8, 10, 11 due by the 12th; Q1, 6-month, 9-month and
/// annual reports due by the 5th of the quarter's last month, replacing that month's monthly report.
/// </summary>
public sealed record CalendarSettings
{
    public static readonly CalendarSettings Default = new();

    public IReadOnlyList<int> MonthlyMonths { get; init; } = [1, 2, 4, 5, 7, 8, 10, 11];
    public int MonthlyDueDay { get; init; } = 12;
    public int CumulativeDueDay { get; init; } = 5;
    /// <summary>The data window closes this many days before the nominal due date, so departments have the rest to report.</summary>
    public int CutOffDaysBeforeDue { get; init; } = 1;
    /// <summary>Departments report this many days before the commune's due date (0: the same day).</summary>
    public int DepartmentLeadDays { get; init; }
    /// <summary>Reminder offsets in days from the departments' deadline: before (negative) and after (positive).</summary>
    public IReadOnlyList<int> ReminderDays { get; init; } = [-3, -1, 1];
    /// <summary>Local time (Asia/Ho_Chi_Minh) the compiled report leaves on its adjusted due date.</summary>
    public string SendTime { get; init; } = "17:00";
    public string? Source { get; init; }

    public TimeOnly SendTimeOfDay => TimeOnly.ParseExact(SendTime, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
