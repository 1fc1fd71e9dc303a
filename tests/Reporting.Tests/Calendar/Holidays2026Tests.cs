using System.Globalization;
using ChuyenDoiSo.Reporting.Calendar;

namespace ChuyenDoiSo.Reporting.Tests.Calendar;

// The days the Government moved in 2026 (seeds/holidays/2026.json): Friday 2/1 off, worked on Saturday 10/1 (Tết Dương
// lịch 1–4/1); Monday 31/8 off, worked on Saturday 22/8 (Quốc khánh 29/8–2/9). Expected dates worked out by hand.
public sealed class Holidays2026Tests
{
    private static readonly HolidayCalendar Holidays = HolidayCalendar.LoadFolder(TestPaths.Holidays);

    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-01-01", false)] // Thu, Tết Dương lịch
    [InlineData("2026-01-02", false)] // Fri, swapped off
    [InlineData("2026-01-05", true)] // Mon
    [InlineData("2026-01-10", true)] // Sat, worked for 2/1
    [InlineData("2026-01-17", false)] // an ordinary Saturday
    [InlineData("2026-08-22", true)] // Sat, worked for 31/8
    [InlineData("2026-08-28", true)] // Fri
    [InlineData("2026-08-31", false)] // Mon, swapped off
    [InlineData("2026-09-01", false)] // Tue, Quốc khánh (adjacent day)
    [InlineData("2026-09-02", false)] // Wed, Quốc khánh
    [InlineData("2026-09-03", true)] // Thu
    public void IsWorkingDay_followsThe2026Swaps(string date, bool working) =>
        Assert.Equal(working, Holidays.IsWorkingDay(D(date)));

    [Theory]
    [InlineData(1, 2, "2026-01-02", "2026-01-05")] // Fri 2/1 off → Mon 5/1 (was due that Friday)
    [InlineData(1, 10, "2026-01-10", "2026-01-10")] // Sat 10/1 is worked: stays (weekends only: Mon 12/1)
    [InlineData(8, 22, "2026-08-22", "2026-08-22")] // Sat 22/8 is worked: stays (weekends only: Mon 24/8)
    [InlineData(8, 29, "2026-08-29", "2026-09-03")] // Sat 29/8 → Sun, Mon 31/8 off, 1/9 and 2/9 holidays → Thu 3/9
    public void For_movesDueDates_becauseOfThe2026Swaps(int month, int dueDay, string due, string adjusted)
    {
        var settings = CalendarSettings.Default with { MonthlyMonths = [month], MonthlyDueDay = dueDay };

        var period = Assert.Single(ReportingCalendar.For(2026, settings, Holidays), p => p.Period == $"2026-{month:00}");

        Assert.Equal(D(due), period.DueDate);
        Assert.Equal(D(adjusted), period.AdjustedDueDate);
        Assert.NotEqual(period.AdjustedDueDate, Assert.Single(ReportingCalendar.For(2026, settings, HolidayCalendar.WeekendsOnly), p => p.Period == period.Period).AdjustedDueDate);
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(2024)]
    [InlineData(2025)]
    [InlineData(2026)]
    public void EveryHolidayAndWorkingDay_namesItsSource(int year)
    {
        var file = Path.Combine(TestPaths.Holidays, $"{year}.json");
        var data = System.Text.Json.JsonSerializer.Deserialize<HolidayYear>(File.ReadAllText(file), ChuyenDoiSo.Reporting.Plans.PlanJson.Options)!;

        Assert.All(data.Holidays.Concat(data.WorkingDays), h => Assert.False(string.IsNullOrWhiteSpace(h.Source), $"{h.Date} has no source"));
        Assert.All(data.Holidays.Concat(data.WorkingDays), h => Assert.Equal(year, h.Date.Year));
        Assert.All(data.WorkingDays, w => Assert.Equal(DayOfWeek.Saturday, w.Date.DayOfWeek));
    }
}
