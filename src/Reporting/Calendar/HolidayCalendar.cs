using System.Text.Json;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Calendar;

/// <summary>A public holiday or a Saturday made a working day (ngày làm bù), with the decision it comes from.</summary>
public sealed record HolidayEntry(DateOnly Date, string Name, string? Source);

/// <summary>One year's holiday data, as in seeds/holidays/YYYY.json.</summary>
public sealed record HolidayYear
{
    public required int Year { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<HolidayEntry> Holidays { get; init; } = [];
    public IReadOnlyList<HolidayEntry> WorkingDays { get; init; } = [];
}

/// <summary>
/// Working days under Civil Code 2015 art. 148: weekends and public holidays are not working days,
/// except Saturdays the Government swaps into working days. Years without data get weekends only.
/// </summary>
public sealed class HolidayCalendar
{
    private readonly Dictionary<DateOnly, HolidayEntry> _holidays = [];
    private readonly HashSet<DateOnly> _workingDays = [];
    private readonly HashSet<int> _years = [];

    public static readonly HolidayCalendar WeekendsOnly = new([]);

    public HolidayCalendar(IEnumerable<HolidayYear> years)
    {
        foreach (var year in years)
        {
            _years.Add(year.Year);
            foreach (var h in year.Holidays) _holidays[h.Date] = h;
            foreach (var w in year.WorkingDays) _workingDays.Add(w.Date);
        }
    }

    public IReadOnlyCollection<int> Years => _years;

    public bool HasYear(int year) => _years.Contains(year);

    public HolidayEntry? HolidayOn(DateOnly date) => _holidays.GetValueOrDefault(date);

    public bool IsWorkingDay(DateOnly date)
    {
        if (_workingDays.Contains(date)) return true;
        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) return false;
        return !_holidays.ContainsKey(date);
    }

    /// <summary>The date itself when it is a working day, else the next working day.</summary>
    public DateOnly NextWorkingDayFrom(DateOnly date)
    {
        while (!IsWorkingDay(date)) date = date.AddDays(1);
        return date;
    }

    /// <summary>Reads every YYYY.json in a folder.</summary>
    public static HolidayCalendar LoadFolder(string folder)
    {
        if (!Directory.Exists(folder)) return WeekendsOnly;
        var years = new List<HolidayYear>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                using var stream = File.OpenRead(file);
                years.Add(JsonSerializer.Deserialize<HolidayYear>(stream, PlanJson.Options)
                    ?? throw new PlanFileException(file, "$", "expected a holiday year object, got null"));
            }
            catch (JsonException e)
            {
                throw new PlanFileException(file, e.Path ?? "$", e.Message);
            }
        }
        return new HolidayCalendar(years);
    }
}
