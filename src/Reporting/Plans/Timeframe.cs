using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>How a task's timeframe (thời gian thực hiện) reads.</summary>
public enum TimeframeKind
{
    /// <summary>"Thường xuyên": all year.</summary>
    Ongoing,
    /// <summary>"Năm 2025".</summary>
    Year,
    /// <summary>"Quý I năm 2025", "Quý I, II năm 2025".</summary>
    Quarter,
    /// <summary>"Tháng 3 năm 2025", "Từ tháng 3 đến tháng 6 năm 2025", "6 tháng đầu năm 2025".</summary>
    Months,
    /// <summary>"Trước ngày 30/6/2025": from the year's start to that deadline.</summary>
    Deadline,
}

/// <summary>
/// A parsed timeframe: the months of <see cref="Year"/> in which the task is active,
/// <see cref="FromMonth"/> to <see cref="ToMonth"/> inclusive. <see cref="Monthly"/> marks work repeated every month.
/// </summary>
public sealed record Timeframe(string Text, TimeframeKind Kind, int Year, int FromMonth, int ToMonth, bool Monthly, int? Quarter)
{
    public DateOnly Start => new(Year, FromMonth, 1);
    public DateOnly End => new DateOnly(Year, ToMonth, 1).AddMonths(1).AddDays(-1);

    /// <summary>Whether the task is active at any day of [from, to] (both inclusive).</summary>
    public bool Overlaps(DateOnly from, DateOnly to) => Start <= to && End >= from;
}

/// <summary>Parses the timeframe strings plans write. Pure: the plan year fills in a missing year.</summary>
public static partial class TimeframeParser
{
    public static bool TryParse(string text, int planYear, out Timeframe timeframe, out string error)
    {
        timeframe = null!;
        error = "";
        var raw = text ?? "";
        var s = Normalise(raw);
        if (s.Length == 0)
        {
            error = "expected a timeframe such as \"Thường xuyên\", \"Quý I năm 2025\" or \"Năm 2025\", got an empty string";
            return false;
        }

        var monthly = false;
        var m = MonthlyPrefix().Match(s);
        if (m.Success)
        {
            monthly = true;
            s = s[m.Length..].TrimStart(' ', ',', ';', '-').Trim();
            if (s.Length == 0)
            {
                timeframe = new Timeframe(raw, TimeframeKind.Ongoing, planYear, 1, 12, true, null);
                return true;
            }
        }

        if (OngoingRegex().IsMatch(s))
        {
            var year = YearIn(s) ?? planYear;
            timeframe = new Timeframe(raw, TimeframeKind.Ongoing, year, 1, 12, monthly, null);
            return true;
        }

        if (EveryRegex().Match(s) is { Success: true } every)
        {
            var year = YearIn(s) ?? planYear;
            timeframe = new Timeframe(raw, TimeframeKind.Ongoing, year, 1, 12, monthly || every.Groups[1].Value == "tháng", null);
            return true;
        }

        if (QuarterRegex().Match(s) is { Success: true } q)
        {
            var quarters = RomanList().Matches(q.Groups["q"].Value).Select(x => Roman(x.Value)).Where(x => x is >= 1 and <= 4).ToList();
            if (quarters.Count == 0)
            {
                error = $"expected quarter numerals I–IV in \"{raw}\"";
                return false;
            }
            var year = q.Groups["y"].Success ? int.Parse(q.Groups["y"].Value, CultureInfo.InvariantCulture) : planYear;
            int from = quarters.Min() * 3 - 2, to = quarters.Max() * 3;
            timeframe = new Timeframe(raw, TimeframeKind.Quarter, year, from, to, monthly, quarters.Count == 1 ? quarters[0] : null);
            return true;
        }

        if (HalfRegex().Match(s) is { Success: true } h)
        {
            var year = h.Groups["y"].Success ? int.Parse(h.Groups["y"].Value, CultureInfo.InvariantCulture) : planYear;
            var first = h.Groups["which"].Value == "đầu";
            timeframe = new Timeframe(raw, TimeframeKind.Months, year, first ? 1 : 7, first ? 6 : 12, monthly, null);
            return true;
        }

        if (MonthRangeRegex().Match(s) is { Success: true } r)
        {
            var from = int.Parse(r.Groups["a"].Value, CultureInfo.InvariantCulture);
            var to = int.Parse(r.Groups["b"].Value, CultureInfo.InvariantCulture);
            var year = r.Groups["y"].Success ? int.Parse(r.Groups["y"].Value, CultureInfo.InvariantCulture) : planYear;
            if (from is < 1 or > 12 || to is < 1 or > 12 || to < from)
            {
                error = $"expected months 1–12 in order in \"{raw}\"";
                return false;
            }
            timeframe = new Timeframe(raw, TimeframeKind.Months, year, from, to, monthly, null);
            return true;
        }

        if (DeadlineRegex().Match(s) is { Success: true } d)
        {
            var month = int.Parse(d.Groups["m"].Value, CultureInfo.InvariantCulture);
            var year = d.Groups["y"].Success ? int.Parse(d.Groups["y"].Value, CultureInfo.InvariantCulture) : planYear;
            if (month is < 1 or > 12)
            {
                error = $"expected a month 1–12 in \"{raw}\"";
                return false;
            }
            timeframe = new Timeframe(raw, TimeframeKind.Deadline, year, 1, month, monthly, null);
            return true;
        }

        if (SingleMonthRegex().Match(s) is { Success: true } sm)
        {
            var month = int.Parse(sm.Groups["m"].Value, CultureInfo.InvariantCulture);
            var year = sm.Groups["y"].Success ? int.Parse(sm.Groups["y"].Value, CultureInfo.InvariantCulture) : planYear;
            if (month is < 1 or > 12)
            {
                error = $"expected a month 1–12 in \"{raw}\"";
                return false;
            }
            timeframe = new Timeframe(raw, TimeframeKind.Months, year, month, month, monthly, null);
            return true;
        }

        if (YearRegex().Match(s) is { Success: true } y)
        {
            timeframe = new Timeframe(raw, TimeframeKind.Year, int.Parse(y.Groups["y"].Value, CultureInfo.InvariantCulture), 1, 12, monthly, null);
            return true;
        }

        error = $"expected a timeframe such as \"Thường xuyên\", \"Năm 2025\", \"Quý I năm 2025\", \"Tháng 3 năm 2025\", \"Trước ngày 30/6/2025\" or \"Hằng tháng, …\", got \"{raw}\"";
        return false;
    }

    public static Timeframe Parse(string text, int planYear) =>
        TryParse(text, planYear, out var t, out var error) ? t : throw new FormatException(error);

    private static string Normalise(string s) =>
        WhiteSpace().Replace(s.Normalize(NormalizationForm.FormC).Trim().ToLowerInvariant(), " ").TrimEnd('.', ';', ',');

    private static int? YearIn(string s) => YearOnly().Match(s) is { Success: true } m ? int.Parse(m.Value, CultureInfo.InvariantCulture) : null;

    private static int Roman(string s) => s switch { "i" => 1, "ii" => 2, "iii" => 3, "iv" => 4, "1" => 1, "2" => 2, "3" => 3, "4" => 4, _ => 0 };

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
    [GeneratedRegex(@"\b(19|20)\d\d\b")]
    private static partial Regex YearOnly();
    [GeneratedRegex(@"^(hằng|hàng) tháng")]
    private static partial Regex MonthlyPrefix();
    [GeneratedRegex(@"^(thường xuyên|liên tục|hằng năm|hàng năm)")]
    private static partial Regex OngoingRegex();
    [GeneratedRegex(@"^(?:hằng|hàng) (quý|tháng)")]
    private static partial Regex EveryRegex();
    [GeneratedRegex(@"^(?:trong )?quý (?<q>[ivx1-4]+(?:\s*(?:,|-|–|và|đến)\s*(?:quý )?[ivx1-4]+)*)(?:\s*(?:năm|/)\s*(?<y>\d{4}))?$")]
    private static partial Regex QuarterRegex();
    [GeneratedRegex(@"\b(iv|iii|ii|i|[1-4])\b")]
    private static partial Regex RomanList();
    [GeneratedRegex(@"^6 tháng (?<which>đầu|cuối) năm(?:\s*(?<y>\d{4}))?$")]
    private static partial Regex HalfRegex();
    [GeneratedRegex(@"^(?:từ )?tháng (?<a>\d{1,2})\s*(?:-|–|đến|tới)\s*(?:tháng )?(?<b>\d{1,2})(?:\s*(?:năm|/)\s*(?<y>\d{4}))?$")]
    private static partial Regex MonthRangeRegex();
    [GeneratedRegex(@"^trước (?:ngày \d{1,2}/|tháng )(?<m>\d{1,2})(?:\s*(?:năm|/)\s*(?<y>\d{4}))?$")]
    private static partial Regex DeadlineRegex();
    [GeneratedRegex(@"^(?:trong )?tháng (?<m>\d{1,2})(?:\s*(?:năm|/)\s*(?<y>\d{4}))?$")]
    private static partial Regex SingleMonthRegex();
    [GeneratedRegex(@"^(?:trong )?năm (?<y>\d{4})$")]
    private static partial Regex YearRegex();
}
