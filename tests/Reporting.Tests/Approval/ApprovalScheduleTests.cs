using System.Globalization;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Approval;

/// <summary>The draft and the approval reminder in the schedule of a plan with `approval: required`; none for `approval: none`.</summary>
public sealed class ApprovalScheduleTests
{
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly Plan Plan = Catalog.Find("binh-chuong-2026")!;

    private static DateTimeOffset Local(string text) => DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None).ToOffset(TimeSpan.Zero).AddHours(-7);

    private static IReadOnlyList<ScheduledItem> Items(Plan plan, string period, TimeSpan? lead = null) =>
        DeliverySchedule.For(plan, Catalog.CalendarFor(plan), lead).Where(i => i.Period == period).ToList();

    [Theory]
    // period, reminder lead (hours), draft (end of the cut-off day), approval reminder (none: "")
    [InlineData("2026-11", 24, "2026-11-12 00:00", "2026-11-12 08:00")] // 24 h before 17:00 on the 12th is before the draft: 08:00 that day
    [InlineData("2026-11", 6, "2026-11-12 00:00", "2026-11-12 11:00")]
    [InlineData("2026-11", 17, "2026-11-12 00:00", "2026-11-12 08:00")] // exactly the draft's instant is not after it
    [InlineData("2026-9M", 24, "2026-09-05 00:00", "2026-09-06 17:00")] // due Saturday 5/9, sent Monday 7/9 17:00
    [InlineData("2026-9M", 72, "2026-09-05 00:00", "2026-09-07 08:00")]
    public void Required_hasTheDraftAtTheCutOff_andTheReminderBeforeTheSendTime(string period, int hours, string draft, string reminder)
    {
        var items = Items(Plan with { Approval = "required" }, period, TimeSpan.FromHours(hours));

        Assert.Equal(Local(draft), Assert.Single(items, i => i.Kind == ScheduledItem.Draft).At);
        Assert.Equal(Local(reminder), Assert.Single(items, i => i.Kind == ScheduledItem.ApprovalReminder).At);
        Assert.Equal($"binh-chuong-2026|{period}|draft", items.Single(i => i.Kind == ScheduledItem.Draft).Key);
    }

    [Fact]
    public void ApprovalReminderAt_isNone_whenNeitherTimeFallsBetweenTheDraftAndTheSendTime()
    {
        var draft = Local("2026-11-12 09:00");
        Assert.Null(DeliverySchedule.ApprovalReminderAt(draft, Local("2026-11-12 17:00"), TimeSpan.FromHours(10)));
        Assert.Equal(Local("2026-11-12 16:00"), DeliverySchedule.ApprovalReminderAt(draft, Local("2026-11-12 17:00"), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void None_hasNoDraftNorApprovalReminder() =>
        Assert.DoesNotContain(DeliverySchedule.For(Plan, Catalog.CalendarFor(Plan)), i => i.Kind is ScheduledItem.Draft or ScheduledItem.ApprovalReminder);
}
