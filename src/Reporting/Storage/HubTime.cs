namespace ChuyenDoiSo.Reporting.Storage;

/// <summary>The hub's one time zone (Asia/Ho_Chi_Minh), converted at the edges.</summary>
public static class HubTime
{
    /// <summary>Vietnam has kept UTC+7 without daylight saving since 1975; the fixed offset is the fallback when tzdata is absent.</summary>
    public static readonly TimeZoneInfo Zone = Find();

    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    public static DateTimeOffset LocalDateTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>The instant of a local wall-clock time on a local date.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Ho_Chi_Minh", TimeSpan.FromHours(7), "Indochina Time", "ICT");
        }
    }
}
