using System.Globalization;
using ChuyenDoiSo.Reporting.Calendar;

namespace ChuyenDoiSo.Reporting.Tests.Calendar;

// Every expected date below was worked out by hand from a real calendar (weekday of each date) and
// seeds/holidays/YYYY.json, not by running the code. Default calendar (Tam Phước VI.10): monthly
// reports due on the 12th, Q1/H1/9M/FY on the 5th of the quarter's last month, cut-off the day before.
public sealed class ReportingCalendarTests
{
    private static readonly HolidayCalendar Holidays = HolidayCalendar.LoadFolder(TestPaths.Holidays);

    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ReportingPeriod Period(IReadOnlyList<ReportingPeriod> year, string label) =>
        Assert.Single(year, p => p.Period == label);

    [Theory]
    // 2023
    [InlineData("2023-01", "monthly", "2023-01-12", "2023-01-12")] // Thu
    [InlineData("2023-02", "monthly", "2023-02-12", "2023-02-13")] // Sun → Mon
    [InlineData("2023-Q1", "quarterly", "2023-03-05", "2023-03-06")] // Sun → Mon
    [InlineData("2023-04", "monthly", "2023-04-12", "2023-04-12")] // Wed
    [InlineData("2023-05", "monthly", "2023-05-12", "2023-05-12")] // Fri (the 29/4–3/5 holidays are over)
    [InlineData("2023-H1", "half-year", "2023-06-05", "2023-06-05")] // Mon
    [InlineData("2023-07", "monthly", "2023-07-12", "2023-07-12")] // Wed
    [InlineData("2023-08", "monthly", "2023-08-12", "2023-08-14")] // Sat → Mon
    [InlineData("2023-9M", "nine-month", "2023-09-05", "2023-09-05")] // Tue (the 1/9–4/9 holidays are over)
    [InlineData("2023-10", "monthly", "2023-10-12", "2023-10-12")] // Thu
    [InlineData("2023-11", "monthly", "2023-11-12", "2023-11-13")] // Sun → Mon
    [InlineData("2023-FY", "annual", "2023-12-05", "2023-12-05")] // Tue
    // 2025
    [InlineData("2025-01", "monthly", "2025-01-12", "2025-01-13")] // Sun → Mon (Tết is 27–31/1)
    [InlineData("2025-02", "monthly", "2025-02-12", "2025-02-12")] // Wed
    [InlineData("2025-Q1", "quarterly", "2025-03-05", "2025-03-05")] // Wed
    [InlineData("2025-04", "monthly", "2025-04-12", "2025-04-14")] // Sat → Mon
    [InlineData("2025-05", "monthly", "2025-05-12", "2025-05-12")] // Mon
    [InlineData("2025-H1", "half-year", "2025-06-05", "2025-06-05")] // Thu
    [InlineData("2025-07", "monthly", "2025-07-12", "2025-07-14")] // Sat → Mon
    [InlineData("2025-08", "monthly", "2025-08-12", "2025-08-12")] // Tue
    [InlineData("2025-9M", "nine-month", "2025-09-05", "2025-09-05")] // Fri
    [InlineData("2025-10", "monthly", "2025-10-12", "2025-10-13")] // Sun → Mon
    [InlineData("2025-11", "monthly", "2025-11-12", "2025-11-12")] // Wed
    [InlineData("2025-FY", "annual", "2025-12-05", "2025-12-05")] // Fri
    // 2026
    [InlineData("2026-01", "monthly", "2026-01-12", "2026-01-12")] // Mon
    [InlineData("2026-02", "monthly", "2026-02-12", "2026-02-12")] // Thu (Tết is 16–20/2)
    [InlineData("2026-Q1", "quarterly", "2026-03-05", "2026-03-05")] // Thu
    [InlineData("2026-04", "monthly", "2026-04-12", "2026-04-13")] // Sun → Mon
    [InlineData("2026-05", "monthly", "2026-05-12", "2026-05-12")] // Tue
    [InlineData("2026-H1", "half-year", "2026-06-05", "2026-06-05")] // Fri
    [InlineData("2026-07", "monthly", "2026-07-12", "2026-07-13")] // Sun → Mon
    [InlineData("2026-08", "monthly", "2026-08-12", "2026-08-12")] // Wed
    [InlineData("2026-9M", "nine-month", "2026-09-05", "2026-09-07")] // Sat → Mon
    [InlineData("2026-10", "monthly", "2026-10-12", "2026-10-12")] // Mon
    [InlineData("2026-11", "monthly", "2026-11-12", "2026-11-12")] // Thu
    [InlineData("2026-FY", "annual", "2026-12-05", "2026-12-07")] // Sat → Mon
    public void For_givesNominalAndAdjustedDueDate_withRealHolidays(string label, string kind, string due, string adjusted)
    {
        var year = int.Parse(label[..4], CultureInfo.InvariantCulture);

        var period = Period(ReportingCalendar.For(year, CalendarSettings.Default, Holidays), label);

        Assert.Equal(kind, period.Kind.ToLabel());
        Assert.Equal(year, period.Year);
        Assert.Equal(D(due), period.DueDate);
        Assert.Equal(D(adjusted), period.AdjustedDueDate);
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(2025)]
    [InlineData(2026)]
    public void For_listsTwelveReportsInDueDateOrder_everyYear(int year)
    {
        var labels = ReportingCalendar.For(year, CalendarSettings.Default, Holidays).Select(p => p.Period);

        string[] expected = ["01", "02", "Q1", "04", "05", "H1", "07", "08", "9M", "10", "11", "FY"];
        Assert.Equal(expected.Select(e => $"{year}-{e}"), labels);
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(2024)]
    [InlineData(2025)]
    [InlineData(2026)]
    [InlineData(2027)]
    public void For_hasEightMonthlyAndFourCumulativeReports_everyYear(int year)
    {
        var periods = ReportingCalendar.For(year, CalendarSettings.Default, Holidays);

        Assert.Equal(12, periods.Count);
        Assert.Equal(8, periods.Count(p => p.Kind == ReportKind.Monthly));
        Assert.Equal(
            [ReportKind.Quarterly, ReportKind.HalfYear, ReportKind.NineMonth, ReportKind.Annual],
            periods.Where(p => p.IsCumulative).Select(p => p.Kind));
        Assert.Equal(periods.OrderBy(p => p.DueDate).Select(p => p.Period), periods.Select(p => p.Period));
    }

    // 2026 by hand: the year starts 2025-12-05, the day after 2025-FY's cut-off (2025-12-04).
    [Theory]
    [InlineData("2026-01", "2025-12-05", "2025-12-05", "2026-01-11")]
    [InlineData("2026-02", "2026-01-12", "2026-01-12", "2026-02-11")]
    [InlineData("2026-Q1", "2025-12-05", "2026-02-12", "2026-03-04")]
    [InlineData("2026-04", "2026-03-05", "2026-03-05", "2026-04-11")]
    [InlineData("2026-05", "2026-04-12", "2026-04-12", "2026-05-11")]
    [InlineData("2026-H1", "2025-12-05", "2026-05-12", "2026-06-04")]
    [InlineData("2026-07", "2026-06-05", "2026-06-05", "2026-07-11")]
    [InlineData("2026-08", "2026-07-12", "2026-07-12", "2026-08-11")]
    [InlineData("2026-9M", "2025-12-05", "2026-08-12", "2026-09-04")]
    [InlineData("2026-10", "2026-09-05", "2026-09-05", "2026-10-11")]
    [InlineData("2026-11", "2026-10-12", "2026-10-12", "2026-11-11")]
    [InlineData("2026-FY", "2025-12-05", "2026-11-12", "2026-12-04")]
    public void For_givesDataWindows_for2026(string label, string windowStart, string incrementStart, string cutOff)
    {
        var period = Period(ReportingCalendar.For(2026, CalendarSettings.Default, Holidays), label);

        Assert.Equal(D(windowStart), period.WindowStart);
        Assert.Equal(D(incrementStart), period.IncrementStart);
        Assert.Equal(D(cutOff), period.CutOff);
    }

    [Fact]
    public void For_windowsAreContiguous_acrossYearBoundaries()
    {
        var periods = Enumerable.Range(2022, 6).SelectMany(y => ReportingCalendar.For(y, CalendarSettings.Default, Holidays)).ToList();

        for (var i = 1; i < periods.Count; i++)
            Assert.True(periods[i].IncrementStart == periods[i - 1].CutOff.AddDays(1),
                $"{periods[i].Period} starts {periods[i].IncrementStart:yyyy-MM-dd}, expected the day after {periods[i - 1].Period}'s cut-off {periods[i - 1].CutOff:yyyy-MM-dd}");
    }

    [Theory]
    [InlineData(2023, "2022-12-05")]
    [InlineData(2025, "2024-12-05")]
    [InlineData(2026, "2025-12-05")]
    public void For_startsTheYearTheDayAfterLastYearsAnnualCutOff(int year, string yearStart)
    {
        var periods = ReportingCalendar.For(year, CalendarSettings.Default, Holidays);
        var previousAnnual = Period(ReportingCalendar.For(year - 1, CalendarSettings.Default, Holidays), $"{year - 1}-FY");

        Assert.Equal(D(yearStart), periods[0].IncrementStart);
        Assert.Equal(previousAnnual.CutOff.AddDays(1), periods[0].IncrementStart);
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(2025)]
    [InlineData(2026)]
    public void For_putsCutOffTheDayBeforeTheNominalDueDate(int year)
    {
        foreach (var p in ReportingCalendar.For(year, CalendarSettings.Default, Holidays))
        {
            Assert.Equal(p.DueDate.AddDays(-1), p.CutOff);
            Assert.True(p.CutOff < p.AdjustedDueDate, $"{p.Period}: cut-off {p.CutOff} is not before {p.AdjustedDueDate}");
            Assert.True(p.WindowStart <= p.IncrementStart && p.IncrementStart <= p.CutOff, $"{p.Period}: window out of order");
        }
    }

    [Theory]
    [InlineData(2023, "2022-12-05")]
    [InlineData(2025, "2024-12-05")]
    [InlineData(2026, "2025-12-05")]
    public void For_startsCumulativeWindowsAtTheYearStart_andMonthlyWindowsAtTheIncrement(int year, string yearStart)
    {
        foreach (var p in ReportingCalendar.For(year, CalendarSettings.Default, Holidays))
            Assert.Equal(p.IsCumulative ? D(yearStart) : p.IncrementStart, p.WindowStart);
    }

    // 2027 has no holiday file: only Saturdays and Sundays move a due date.
    [Theory]
    [InlineData("2027-01", "2027-01-12", "2027-01-12")] // Tue
    [InlineData("2027-02", "2027-02-12", "2027-02-12")] // Fri
    [InlineData("2027-Q1", "2027-03-05", "2027-03-05")] // Fri
    [InlineData("2027-04", "2027-04-12", "2027-04-12")] // Mon
    [InlineData("2027-05", "2027-05-12", "2027-05-12")] // Wed
    [InlineData("2027-H1", "2027-06-05", "2027-06-07")] // Sat → Mon
    [InlineData("2027-07", "2027-07-12", "2027-07-12")] // Mon
    [InlineData("2027-08", "2027-08-12", "2027-08-12")] // Thu
    [InlineData("2027-9M", "2027-09-05", "2027-09-06")] // Sun → Mon
    [InlineData("2027-10", "2027-10-12", "2027-10-12")] // Tue
    [InlineData("2027-11", "2027-11-12", "2027-11-12")] // Fri
    [InlineData("2027-FY", "2027-12-05", "2027-12-06")] // Sun → Mon
    public void For_movesOverWeekendsOnly_whenTheYearHasNoHolidayData(string label, string due, string adjusted)
    {
        Assert.False(Holidays.HasYear(2027));

        var period = Period(ReportingCalendar.For(2027, CalendarSettings.Default, Holidays), label);

        Assert.Equal(D(due), period.DueDate);
        Assert.Equal(D(adjusted), period.AdjustedDueDate);
    }

    [Fact]
    public void For_keepsATetMonday_whenTheCalendarHasWeekendsOnly()
    {
        var period = Period(ReportingCalendar.For(2024, CalendarSettings.Default, HolidayCalendar.WeekendsOnly), "2024-02");

        Assert.Equal(D("2024-02-12"), period.AdjustedDueDate);
    }

    [Fact]
    public void For_movesPastTet_whenTheDueDateIsATetHoliday()
    {
        // 2024-02-12 is Monday, mùng 3 Tết; 13 and 14 are holidays too; Thursday 15 is the next working day.
        var period = Period(ReportingCalendar.For(2024, CalendarSettings.Default, Holidays), "2024-02");

        Assert.Equal(D("2024-02-12"), period.DueDate);
        Assert.Equal(D("2024-02-15"), period.AdjustedDueDate);
    }

    [Theory]
    [InlineData("2024-05-04", true)] // Saturday, made a working day for 29/4
    [InlineData("2024-05-05", false)] // Sunday
    [InlineData("2024-04-29", false)] // Monday, swapped off
    [InlineData("2024-05-02", true)] // Thursday
    [InlineData("2025-04-26", true)] // Saturday, made a working day for 2/5
    [InlineData("2025-05-02", false)] // Friday, swapped off
    [InlineData("2025-04-07", false)] // Monday, Giỗ Tổ
    [InlineData("2026-04-27", false)] // Monday, in lieu of Giỗ Tổ on Sunday 26/4
    public void IsWorkingDay_followsHolidaysAndSwappedSaturdays(string date, bool working)
    {
        Assert.Equal(working, Holidays.IsWorkingDay(D(date)));
    }

    [Theory]
    [InlineData(2024, 5, 4, "2024-05-04")] // the swapped Saturday 2024-05-04 is a working day
    [InlineData(2025, 4, 26, "2025-04-26")] // the swapped Saturday 2025-04-26 is a working day
    public void For_doesNotSkipASwappedWorkingSaturday(int year, int month, int dueDay, string adjusted)
    {
        var settings = CalendarSettings.Default with { MonthlyDueDay = dueDay };

        var period = Period(ReportingCalendar.For(year, settings, Holidays), $"{year}-{month:00}");

        Assert.Equal(D(adjusted), period.DueDate);
        Assert.Equal(D(adjusted), period.AdjustedDueDate);
        Assert.Equal(D(adjusted).AddDays(2), Period(ReportingCalendar.For(year, settings, HolidayCalendar.WeekendsOnly), $"{year}-{month:00}").AdjustedDueDate);
    }

    // A plan that asks for monthly reports by the 10th (calendar.monthlyDueDay = 10) in 2026.
    [Theory]
    [InlineData("2026-01", "2026-01-10", "2026-01-10", "2026-01-09")] // Sat, but worked in 2026 (make-up day for Fri 2/1)
    [InlineData("2026-02", "2026-02-10", "2026-02-10", "2026-02-09")] // Tue
    [InlineData("2026-Q1", "2026-03-05", "2026-03-05", "2026-03-04")] // cumulative reports keep the 5th
    [InlineData("2026-04", "2026-04-10", "2026-04-10", "2026-04-09")] // Fri
    [InlineData("2026-05", "2026-05-10", "2026-05-11", "2026-05-09")] // Sun → Mon
    [InlineData("2026-10", "2026-10-10", "2026-10-12", "2026-10-09")] // Sat → Mon
    public void For_usesThePlansMonthlyDueDay_whenOverridden(string label, string due, string adjusted, string cutOff)
    {
        var settings = CalendarSettings.Default with { MonthlyDueDay = 10 };

        var period = Period(ReportingCalendar.For(2026, settings, Holidays), label);

        Assert.Equal(D(due), period.DueDate);
        Assert.Equal(D(adjusted), period.AdjustedDueDate);
        Assert.Equal(D(cutOff), period.CutOff);
    }

    [Fact]
    public void For_keepsWindowsContiguous_whenTheMonthlyDueDayIsOverridden()
    {
        var settings = CalendarSettings.Default with { MonthlyDueDay = 10 };

        var periods = ReportingCalendar.For(2026, settings, Holidays);

        Assert.Equal(D("2026-02-10"), Period(periods, "2026-Q1").IncrementStart); // day after 2026-02's cut-off 2026-02-09
        for (var i = 1; i < periods.Count; i++)
            Assert.Equal(periods[i - 1].CutOff.AddDays(1), periods[i].IncrementStart);
    }

    [Fact]
    public void For_movesTheYearStart_whenTheCumulativeDueDayIsOverridden()
    {
        var settings = CalendarSettings.Default with { CumulativeDueDay = 10 };

        var periods = ReportingCalendar.For(2026, settings, Holidays);

        // 2025-FY is due 2025-12-10, cut off 2025-12-09, so 2026 starts 2025-12-10.
        Assert.Equal(D("2025-12-10"), periods[0].IncrementStart);
        Assert.Equal(D("2025-12-10"), Period(periods, "2026-FY").WindowStart);
        Assert.Equal(D("2026-12-10"), Period(periods, "2026-FY").DueDate); // Thu
    }

    [Theory]
    [InlineData("2026-Q1", "2026-03-05")]
    [InlineData("2026-02", "2026-02-12")]
    [InlineData("2023-FY", "2023-12-05")]
    public void Find_returnsThePeriod_forALabelInTheCalendar(string label, string due)
    {
        var period = ReportingCalendar.Find(label, CalendarSettings.Default, Holidays);

        Assert.NotNull(period);
        Assert.Equal(label, period.Period);
        Assert.Equal(D(due), period.DueDate);
    }

    [Theory]
    [InlineData("2026-03")] // March is Q1's month: no monthly report
    [InlineData("2026-06")]
    [InlineData("2026-12")]
    [InlineData("2026-13")]
    [InlineData("2026-Q2")]
    [InlineData("2026-H2")]
    [InlineData("2026-1")]
    [InlineData("26-01")]
    [InlineData("")]
    [InlineData("sometime")]
    public void Find_returnsNull_forALabelNotInTheCalendar(string label)
    {
        Assert.Null(ReportingCalendar.Find(label, CalendarSettings.Default, Holidays));
    }

    [Fact]
    public void Previous_ofTheFirstReport_isLastYearsAnnualReport()
    {
        var january = Period(ReportingCalendar.For(2026, CalendarSettings.Default, Holidays), "2026-01");

        Assert.Equal("2025-FY", ReportingCalendar.Previous(january, CalendarSettings.Default, Holidays).Period);
    }

    [Fact]
    public void LoadFolder_readsEverySeedHolidayYear()
    {
        Assert.Equal([2023, 2024, 2025, 2026], Holidays.Years.Order());
        Assert.Equal("Tết Nguyên đán Giáp Thìn (mùng 3)", Holidays.HolidayOn(D("2024-02-12"))?.Name);
    }
}
