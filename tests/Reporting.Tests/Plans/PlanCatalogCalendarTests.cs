using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Plans;

/// <summary>The calendar cache is per plan version: a report compiled against an earlier version gets that version's calendar.</summary>
public sealed class PlanCatalogCalendarTests
{
    [Fact]
    public void CalendarFor_usesTheVersionAskedFor_whenAnotherVersionOfThePlanWasAskedFirst()
    {
        var seeds = PlanCatalog.LoadFolder(TestPaths.Seeds);
        var current = seeds.Plans.First();
        // The earlier version: its departments' deadline was five days later in the month.
        var earlier = current with { Calendar = current.EffectiveCalendar with { MonthlyDueDay = current.EffectiveCalendar.MonthlyDueDay + 5 } };
        var catalog = new PlanCatalog([current], seeds.Holidays);

        var currentCalendar = catalog.CalendarFor(current);
        var earlierCalendar = catalog.CalendarFor(earlier);

        Assert.Equal(ReportingCalendar.For(current.Year, earlier.EffectiveCalendar, seeds.Holidays).Select(p => p.DueDate), earlierCalendar.Select(p => p.DueDate));
        Assert.NotEqual(currentCalendar.Select(p => p.DueDate), earlierCalendar.Select(p => p.DueDate));
        Assert.Same(currentCalendar, catalog.CalendarFor(current));
    }
}
