using System.Globalization;
using System.Text;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>
/// What the hub accepts in a department's update, and so what it can store and add up exactly. Documented in the
/// README (The message departments send) and in src/Contracts/department-report.schema.json.
/// </summary>
public static class SubmissionLimits
{
    /// <summary>One message's JSON, in UTF-8 bytes (an array file's limit is per item).</summary>
    public const int MaxMessageBytes = 512 * 1024;
    /// <summary>Each narrative section (results, difficulties, proposals), in characters: about three printed pages.</summary>
    public const int MaxNarrativeChars = 8_000;
    public const int MaxNoteChars = 1_000;
    public const int MaxSubmittedByChars = 200;
    /// <summary>plan id, department, indicator, task and statistic codes.</summary>
    public const int MaxCodeChars = 64;
    /// <summary>Items per list (indicators, tasks, statistics); the largest seed plan has 40 indicators.</summary>
    public const int MaxItems = 500;
    /// <summary>How far ahead of the hub's clock a sender's submittedAt (or an operator's --received-at) may be.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    /// <summary>How much of an offending value a rejection reason quotes.</summary>
    public const int QuoteChars = 60;
}

/// <summary>
/// The numbers the hub holds exactly: at most 15 significant digits, at most 6 after the point, magnitude below 10^12.
/// 15 digits is what a double (SQLite's REAL, which the compile reads values back through) keeps exactly for any
/// decimal; below 10^12 a sum over any number of rows a hub can store (well under 10^16) stays inside decimal's range,
/// so the compile cannot overflow.
/// </summary>
public static class NumberLimits
{
    public const int MaxSignificantDigits = 15;
    public const int MaxDecimals = 6;
    public const int MaxIntegerDigits = 12;
    public const string Description = "at most 15 significant digits, 6 after the decimal point, and below 1,000,000,000,000 in magnitude";

    /// <summary>A JSON number literal as written: null when the hub can hold it exactly, else why not. Never throws.</summary>
    public static string? CheckLiteral(ReadOnlySpan<char> raw, out decimal value)
    {
        value = 0;
        var s = raw;
        if (s.Length > 0 && s[0] == '-') s = s[1..];
        var e = s.IndexOfAny('e', 'E');
        var mantissa = e >= 0 ? s[..e] : s;
        long exponent = 0;
        if (e >= 0)
        {
            var exp = s[(e + 1)..];
            var negative = exp.Length > 0 && exp[0] == '-';
            if (exp.Length > 0 && exp[0] is '-' or '+') exp = exp[1..];
            var digits = exp.TrimStart('0');
            if (digits.Length > 6) exponent = negative ? -10_000_000 : 10_000_000;
            else if (digits.Length > 0) exponent = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) * (negative ? -1 : 1);
        }
        var point = mantissa.IndexOf('.');
        var integer = point >= 0 ? mantissa[..point] : mantissa;
        var fraction = point >= 0 ? mantissa[(point + 1)..] : [];
        // value = 0.D × 10^position once leading zeros are gone from D (the mantissa's digits).
        var all = string.Concat(integer, fraction);
        long position = integer.Length + exponent;
        var trimmed = all.TrimStart('0');
        position -= all.Length - trimmed.Length;
        trimmed = trimmed.TrimEnd('0');
        if (trimmed.Length == 0) return null; // zero, however written
        if (position > MaxIntegerDigits) return $"beyond what the hub can hold ({Description})";
        if (trimmed.Length - position > MaxDecimals) return $"more than {MaxDecimals} digits after the decimal point ({Description})";
        if (trimmed.Length > MaxSignificantDigits) return $"more than {MaxSignificantDigits} significant digits ({Description})";
        value = decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>The same limits for a number already in a decimal (a message built in code).</summary>
    public static string? Check(decimal value)
    {
        var text = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        return CheckLiteral(text, out _);
    }

    public static bool IsWhole(decimal value) => value == decimal.Truncate(value);
}

/// <summary>Free text and identifiers: length limits, no control characters, valid UTF-16; and quoting in reasons.</summary>
public static class TextLimits
{
    /// <summary>Null when <paramref name="text"/> is acceptable; else why not. Multi-line text may hold tabs and line breaks.</summary>
    public static string? Check(string text, int maxChars, bool multiLine)
    {
        if (text.Length > maxChars) return $"{text.Length:N0} characters; at most {maxChars:N0} are accepted";
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return $"an unpaired surrogate U+{(int)c:X4} at character {i}; expected valid Unicode text";
            if (multiLine && c is '\n' or '\r' or '\t') continue;
            if (char.IsControl(c)) return $"a control character U+{(int)c:X4} at character {i}; expected {(multiLine ? "text (tabs and line breaks allowed)" : "one line of text")}";
        }
        return null;
    }

    /// <summary>A value quoted in a reason: on one line, control characters escaped, at most <see cref="SubmissionLimits.QuoteChars"/> characters.</summary>
    public static string Quote(string? value)
    {
        if (value is null) return "null";
        var builder = new StringBuilder(Math.Min(value.Length, SubmissionLimits.QuoteChars) + 16).Append('"');
        var taken = 0;
        var i = 0;
        for (; i < value.Length && taken < SubmissionLimits.QuoteChars; i++, taken++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { builder.Append(c).Append(value[++i]); continue; }
            if (c == '"') builder.Append("\\\"");
            else if (c == '\\') builder.Append("\\\\");
            else if (c == '\n') builder.Append("\\n");
            else if (c == '\r') builder.Append("\\r");
            else if (c == '\t') builder.Append("\\t");
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029') builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else builder.Append(c);
        }
        builder.Append('"');
        if (i < value.Length)
            builder.Append(CultureInfo.InvariantCulture, $"… ({value.Length:N0} characters)");
        return builder.ToString();
    }
}
