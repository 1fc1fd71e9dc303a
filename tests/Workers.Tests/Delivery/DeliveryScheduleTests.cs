using System.Globalization;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Workers.Tests.Delivery;

/// <summary>What goes out when, from the seed plans and holidays: no host, no clock, no timer.</summary>
public sealed class DeliveryScheduleTests
{
    private const string PlanId = "binh-chuong-2026";
    private static readonly Lazy<PlanCatalog> Catalog = new(() => PlanCatalog.LoadFolder(TestPaths.Seeds));

    [Theory]
    // period, nominal due (local), report leaves (local): weekends and holidays move it to the next working day.
    [InlineData("2026-01", "2026-01-12", "2026-01-12T17:00:00+07:00")]
    [InlineData("2026-02", "2026-02-12", "2026-02-12T17:00:00+07:00")]
    [InlineData("2026-Q1", "2026-03-05", "2026-03-05T17:00:00+07:00")]
    [InlineData("2026-04", "2026-04-12", "2026-04-13T17:00:00+07:00")] // Sunday
    [InlineData("2026-05", "2026-05-12", "2026-05-12T17:00:00+07:00")]
    [InlineData("2026-H1", "2026-06-05", "2026-06-05T17:00:00+07:00")]
    [InlineData("2026-07", "2026-07-12", "2026-07-13T17:00:00+07:00")] // Sunday
    [InlineData("2026-08", "2026-08-12", "2026-08-12T17:00:00+07:00")]
    [InlineData("2026-9M", "2026-09-05", "2026-09-07T17:00:00+07:00")] // Saturday
    [InlineData("2026-10", "2026-10-12", "2026-10-12T17:00:00+07:00")]
    [InlineData("2026-11", "2026-11-12", "2026-11-12T17:00:00+07:00")]
    [InlineData("2026-FY", "2026-12-05", "2026-12-07T17:00:00+07:00")] // Saturday
    public void For_schedulesReportAtSendTimeOnAdjustedDueDate_forEveryPeriodOfBinhChuong(string period, string nominalDue, string expected)
    {
        var plan = Plan(PlanId);
        var calendarPeriod = Catalog.Value.CalendarFor(plan).Single(p => p.Period == period);

        var reports = Reports(plan, Catalog.Value.CalendarFor(plan)).Where(i => i.Period == period).ToList();

        Assert.Equal(DateOnly.Parse(nominalDue, CultureInfo.InvariantCulture), calendarPeriod.DueDate);
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.Equal(Instant(expected), r.At));
        Assert.All(reports, r => Assert.Equal(TimeSpan.FromHours(7), r.At.Offset));
    }

    [Fact]
    public void For_movesNineMonthReportFromSaturdayToMonday17h_forBinhChuong2026()
    {
        var plan = Plan(PlanId);

        var nineMonth = Reports(plan, Catalog.Value.CalendarFor(plan)).Where(i => i.Period == "2026-9M").ToList();

        Assert.Equal(DayOfWeek.Saturday, new DateOnly(2026, 9, 5).DayOfWeek);
        Assert.All(nineMonth, i => Assert.Equal(new DateTimeOffset(2026, 9, 7, 17, 0, 0, TimeSpan.FromHours(7)), i.At));
        Assert.All(nineMonth, i => Assert.Equal(DayOfWeek.Monday, i.At.DayOfWeek));
    }

    [Fact]
    public void For_namesEmailToHigherLevelAndForward_forBinhChuong2026()
    {
        var plan = Plan(PlanId);

        var channels = Reports(plan, Catalog.Value.CalendarFor(plan)).Where(i => i.Period == "2026-9M")
            .Select(i => (i.Channel, i.Recipient, i.Key)).OrderBy(i => i.Channel, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                ("email", "skhcn@quang-ngai.example", "binh-chuong-2026|2026-9M|email"),
                ("forward", DeliverySchedule.ForwardRecipient, "binh-chuong-2026|2026-9M|forward"),
            ],
            channels);
    }

    [Fact]
    public void For_sendsEmailOnly_whenPlanNamesNoChannels()
    {
        var plan = Plan("tam-phuoc-2023") with { Delivery = null };

        var reports = Reports(plan, Catalog.Value.CalendarFor(plan));

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(("email", plan.HigherLevel.Email), (r.Channel, r.Recipient)));
    }

    [Theory]
    // Tết Giáp Thìn: 12, 13 and 14 February 2024 are holidays, so the February report leaves on Thursday the 15th.
    [InlineData(2024, "2024-02", "2024-02-12", "2024-02-15T17:00:00+07:00")]
    // 2 and 3 September 2024 (Quốc khánh) do not touch the 9-month report, due on Thursday the 5th.
    [InlineData(2024, "2024-9M", "2024-09-05", "2024-09-05T17:00:00+07:00")]
    // Giỗ Tổ 18 April 2024 is not the 12th: April's report stays on Friday the 12th.
    [InlineData(2024, "2024-04", "2024-04-12", "2024-04-12T17:00:00+07:00")]
    // The 2024 make-up Saturday, 4 May, is a working day but nothing is due on it; May's report is on Monday the 13th.
    [InlineData(2024, "2024-05", "2024-05-12", "2024-05-13T17:00:00+07:00")]
    // Tết Bính Ngọ starts on 16 February 2026: the 12th is still a working day.
    [InlineData(2026, "2026-02", "2026-02-12", "2026-02-12T17:00:00+07:00")]
    public void For_movesReportPastHolidays_whenDueDateIsAHoliday(int year, string period, string nominalDue, string expected)
    {
        // Binh Chương's plan moved to another year: the same settings over that year's holidays.
        var plan = Plan(PlanId) with { Year = year };
        var calendar = Catalog.Value.CalendarFor(plan);

        var reports = Reports(plan, calendar).Where(i => i.Period == period).ToList();

        Assert.Equal(DateOnly.Parse(nominalDue, CultureInfo.InvariantCulture), calendar.Single(p => p.Period == period).DueDate);
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.Equal(Instant(expected), r.At));
    }

    [Fact]
    public void For_movesTetReportToFifteenth_withHolidayDataFromSeeds()
    {
        var holidays = HolidayCalendar.LoadFolder(Path.Combine(TestPaths.Seeds, "holidays"));
        var calendar = ReportingCalendar.For(2024, CalendarSettings.Default, holidays);
        var plan = Plan(PlanId) with { Year = 2024 };

        var february = calendar.Single(p => p.Period == "2024-02");
        var items = DeliverySchedule.For(plan, calendar).Where(i => i.Period == "2024-02").ToList();

        Assert.Equal("Tết Nguyên đán Giáp Thìn (mùng 3)", holidays.HolidayOn(new DateOnly(2024, 2, 12))?.Name);
        Assert.Equal((new DateOnly(2024, 2, 12), new DateOnly(2024, 2, 15), new DateOnly(2024, 2, 15)), (february.DueDate, february.AdjustedDueDate, february.DepartmentDueDate));
        Assert.All(items.Where(i => i.Kind == ScheduledItem.Report), i => Assert.Equal(new DateTimeOffset(2024, 2, 15, 17, 0, 0, TimeSpan.FromHours(7)), i.At));
        // Reminders count from the departments' adjusted deadline, the 15th.
        Assert.Equal(
            [(-3, Instant("2024-02-12T08:00:00+07:00")), (-1, Instant("2024-02-14T08:00:00+07:00")), (1, Instant("2024-02-16T08:00:00+07:00"))],
            items.Where(i => i.Kind == ScheduledItem.Reminder).Select(i => (i.ReminderOffsetDays!.Value, i.At)));
    }

    [Theory]
    // period, departments' deadline, reminder at -3, -1 and +1 days, 08:00 local.
    [InlineData("2026-11", "2026-11-12", "2026-11-09T08:00:00+07:00", "2026-11-11T08:00:00+07:00", "2026-11-13T08:00:00+07:00")]
    [InlineData("2026-9M", "2026-09-07", "2026-09-04T08:00:00+07:00", "2026-09-06T08:00:00+07:00", "2026-09-08T08:00:00+07:00")]
    [InlineData("2026-Q1", "2026-03-05", "2026-03-02T08:00:00+07:00", "2026-03-04T08:00:00+07:00", "2026-03-06T08:00:00+07:00")]
    [InlineData("2026-FY", "2026-12-07", "2026-12-04T08:00:00+07:00", "2026-12-06T08:00:00+07:00", "2026-12-08T08:00:00+07:00")]
    public void For_remindsThreeDaysAndOneDayBeforeAndOneDayAfter_departmentDeadlineAt8h(string period, string departmentDue, string minus3, string minus1, string plus1)
    {
        var plan = Plan(PlanId);
        var calendar = Catalog.Value.CalendarFor(plan);

        var reminders = DeliverySchedule.For(plan, calendar).Where(i => i.Kind == ScheduledItem.Reminder && i.Period == period).ToList();

        Assert.Equal(DateOnly.Parse(departmentDue, CultureInfo.InvariantCulture), calendar.Single(p => p.Period == period).DepartmentDueDate);
        Assert.Equal([(-3, Instant(minus3)), (-1, Instant(minus1)), (1, Instant(plus1))], reminders.Select(r => (r.ReminderOffsetDays!.Value, r.At)));
        Assert.All(reminders, r => Assert.Equal("email", r.Channel));
        Assert.Equal([$"{PlanId}|{period}|reminder-3", $"{PlanId}|{period}|reminder-1", $"{PlanId}|{period}|reminder+1"], reminders.Select(r => r.Key));
    }

    [Fact]
    public void For_usesPlanReminderDays_whenPlanConfiguresThem()
    {
        var plan = Plan(PlanId) with { Calendar = CalendarSettings.Default with { ReminderDays = [-5, 2] } };

        var reminders = DeliverySchedule.For(plan, Catalog.Value.CalendarFor(plan)).Where(i => i.Kind == ScheduledItem.Reminder && i.Period == "2026-11").ToList();

        Assert.Equal([(-5, Instant("2026-11-07T08:00:00+07:00")), (2, Instant("2026-11-14T08:00:00+07:00"))], reminders.Select(r => (r.ReminderOffsetDays!.Value, r.At)));
    }

    [Fact]
    public void For_listsItemsInTimeOrder_andFiltersByPlanAndRange()
    {
        var from = Instant("2026-09-01T00:00:00+07:00");
        var to = Instant("2026-09-30T23:59:59+07:00");

        var items = DeliverySchedule.For(Catalog.Value, PlanId, from, to);

        Assert.Equal(
            [
                (ScheduledItem.Reminder, "2026-9M", "email", Instant("2026-09-04T08:00:00+07:00")),
                (ScheduledItem.Reminder, "2026-9M", "email", Instant("2026-09-06T08:00:00+07:00")),
                (ScheduledItem.Report, "2026-9M", "email", Instant("2026-09-07T17:00:00+07:00")),
                (ScheduledItem.Report, "2026-9M", "forward", Instant("2026-09-07T17:00:00+07:00")),
                (ScheduledItem.Reminder, "2026-9M", "email", Instant("2026-09-08T08:00:00+07:00")),
            ],
            items.Select(i => (i.Kind, i.Period, i.Channel, i.At)));
        Assert.All(items, i => Assert.Equal(PlanId, i.PlanId));
    }

    private static Plan Plan(string id) => Catalog.Value.Find(id) ?? throw new InvalidOperationException($"seeds have no plan {id}");

    private static List<ScheduledItem> Reports(Plan plan, IReadOnlyList<ReportingPeriod> calendar) =>
        DeliverySchedule.For(plan, calendar).Where(i => i.Kind == ScheduledItem.Report).ToList();

    private static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
