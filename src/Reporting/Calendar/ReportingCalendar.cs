using System.Globalization;

namespace ChuyenDoiSo.Reporting.Calendar;

/// <summary>
/// The reports a plan owes in a year, their windows and due dates. Pure: a function of the settings,
/// the year and the holiday data. Never reads the clock.
/// </summary>
public static class ReportingCalendar
{
    /// <summary>The year's reports, ordered by due date.</summary>
    public static IReadOnlyList<ReportingPeriod> For(int year, CalendarSettings settings, HolidayCalendar holidays)
    {
        var nominal = new List<(string Period, ReportKind Kind, DateOnly Due)>();
        var monthly = settings.MonthlyMonths.ToHashSet();
        for (var month = 1; month <= 12; month++)
        {
            var cumulative = month switch
            {
                3 => ReportKind.Quarterly,
                6 => ReportKind.HalfYear,
                9 => ReportKind.NineMonth,
                12 => ReportKind.Annual,
                _ => (ReportKind?)null,
            };
            if (cumulative is { } kind)
                nominal.Add((Label(year, kind, month), kind, new DateOnly(year, month, settings.CumulativeDueDay)));
            else if (monthly.Contains(month))
                nominal.Add((Label(year, ReportKind.Monthly, month), ReportKind.Monthly, new DateOnly(year, month, settings.MonthlyDueDay)));
        }

        // The reporting year starts the day after the previous year's annual cut-off, so years are contiguous too.
        var yearStart = CutOffFor(new DateOnly(year - 1, 12, settings.CumulativeDueDay), settings).AddDays(1);
        var result = new List<ReportingPeriod>(nominal.Count);
        var incrementStart = yearStart;
        foreach (var (period, kind, due) in nominal)
        {
            var cutOff = CutOffFor(due, settings);
            var adjusted = holidays.NextWorkingDayFrom(due);
            var departmentDue = holidays.NextWorkingDayFrom(due.AddDays(-settings.DepartmentLeadDays));
            if (departmentDue > adjusted) departmentDue = adjusted;
            var windowStart = kind == ReportKind.Monthly ? incrementStart : yearStart;
            result.Add(new ReportingPeriod(period, kind, year, windowStart, incrementStart, cutOff, due, adjusted, departmentDue));
            incrementStart = cutOff.AddDays(1);
        }
        return result;
    }

    /// <summary>Finds a period by label in its year's calendar; null when the label is not one of the plan's reports.</summary>
    public static ReportingPeriod? Find(string period, CalendarSettings settings, HolidayCalendar holidays)
    {
        if (!TryParseYear(period, out var year)) return null;
        return For(year, settings, holidays).FirstOrDefault(p => p.Period == period);
    }

    /// <summary>The report before this one (the previous year's annual report for the first), for "previous period" figures.</summary>
    public static ReportingPeriod Previous(ReportingPeriod period, CalendarSettings settings, HolidayCalendar holidays)
    {
        var year = For(period.Year, settings, holidays);
        var index = year.ToList().FindIndex(p => p.Period == period.Period);
        return index > 0 ? year[index - 1] : For(period.Year - 1, settings, holidays)[^1];
    }

    /// <summary>The report after this one (the next year's first after the annual report).</summary>
    public static ReportingPeriod Next(ReportingPeriod period, CalendarSettings settings, HolidayCalendar holidays)
    {
        var year = For(period.Year, settings, holidays);
        var index = year.ToList().FindIndex(p => p.Period == period.Period);
        return index + 1 < year.Count ? year[index + 1] : For(period.Year + 1, settings, holidays)[0];
    }

    /// <summary>The label of a report: YYYY-MM, YYYY-Q1, YYYY-H1, YYYY-9M or YYYY-FY.</summary>
    public static string Label(int year, ReportKind kind, int month) => kind switch
    {
        ReportKind.Monthly => $"{year}-{month:00}",
        ReportKind.Quarterly => $"{year}-Q1",
        ReportKind.HalfYear => $"{year}-H1",
        ReportKind.NineMonth => $"{year}-9M",
        ReportKind.Annual => $"{year}-FY",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParseYear(string period, out int year)
    {
        year = 0;
        return period is { Length: >= 7 } && period[4] == '-' &&
               int.TryParse(period.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out year);
    }

    private static DateOnly CutOffFor(DateOnly nominalDue, CalendarSettings settings) => nominalDue.AddDays(-settings.CutOffDaysBeforeDue);
}
