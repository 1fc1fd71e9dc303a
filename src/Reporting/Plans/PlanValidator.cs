using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Calendar;

namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>The result of reading one plan file: the plan when usable, and every problem found.</summary>
public sealed record PlanLoadResult(string File, Plan? Plan, IReadOnlyList<PlanProblem> Problems)
{
    public bool IsValid => Plan is not null && Problems.All(p => p.IsWarning);
    public IEnumerable<PlanProblem> Errors => Problems.Where(p => !p.IsWarning);
    public IEnumerable<PlanProblem> Warnings => Problems.Where(p => p.IsWarning);
}

/// <summary>Reads and checks plan files. Every problem names the file, the JSON path and what was expected.</summary>
public static partial class PlanValidator
{
    /// <summary>
    /// A plan's stated percentage (Số liệu nền) may differ from its own counts by this many percentage points before it
    /// is flagged — or by half its last printed digit when it is printed coarser ("98%" may stand for 97,6 %).
    /// Department messages keep their own half-point rule (<see cref="Compile.ReportCompiler.StatedRateTolerance"/>).
    /// </summary>
    public const decimal StatedRateTolerance = 0.1m;

    /// <summary>The authority lines Decree 30/2020 knows: on behalf of (TM.), for (KT.), acting (Q.), by order (TL., TUQ.).</summary>
    public static readonly IReadOnlyList<string> AuthorityPrefixes = ["TM.", "KT.", "Q.", "TL.", "TUQ."];

    public static PlanLoadResult Load(string file)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (IOException e)
        {
            return new PlanLoadResult(file, null, [new PlanProblem(file, "$", $"cannot read the file: {e.Message}")]);
        }
        catch (UnauthorizedAccessException e)
        {
            return new PlanLoadResult(file, null, [new PlanProblem(file, "$", $"cannot read the file: {e.Message}")]);
        }
        return Parse(file, json);
    }

    /// <summary>A null where the plan's types say none (a name, an email), or a key twice, is a problem at its path, not a crash later.</summary>
    private static readonly JsonSerializerOptions Reading = new(PlanJson.Options) { RespectNullableAnnotations = true, AllowDuplicateProperties = false };

    public static PlanLoadResult Parse(string file, string json)
    {
        Plan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<Plan>(json, Reading);
        }
        catch (JsonException e)
        {
            return new PlanLoadResult(file, null, [new PlanProblem(file, e.Path ?? "$", Describe(e))]);
        }
        if (plan is null)
            return new PlanLoadResult(file, null, [new PlanProblem(file, "$", "expected a plan object, got null")]);
        var problems = Check(file, plan);
        return new PlanLoadResult(file, plan, problems);
    }

    /// <summary>Semantic checks over a parsed plan: references, uniqueness, ops, timeframes, stated rates.</summary>
    public static IReadOnlyList<PlanProblem> Check(string file, Plan plan)
    {
        var problems = new List<PlanProblem>();
        void Error(string path, string message) => problems.Add(new PlanProblem(file, path, message));
        void Warn(string path, string message) => problems.Add(new PlanProblem(file, path, message, IsWarning: true));

        // A null item (`[null]`) or a missing object would throw in every check below and in calendar and compile.
        var nulls = NullItems(plan).ToList();
        foreach (var path in nulls) Error(path, "expected an object or a value, got null");
        if (nulls.Count > 0) return problems;
        if (string.IsNullOrWhiteSpace(plan.Commune.Kind))
            Error("$.commune.kind", "expected the commune's kind (xã, phường or thị trấn), got an empty string");
        if (string.IsNullOrWhiteSpace(plan.Commune.Name))
            Error("$.commune.name", "expected the commune's name, got an empty string");

        if (!IdRegex().IsMatch(plan.Id))
            Error("$.id", $"expected a lower-case id ending in the plan year, such as \"binh-chuong-2026\", got \"{plan.Id}\"");
        else if (!plan.Id.EndsWith($"-{plan.Year}", StringComparison.Ordinal))
            Error("$.id", $"expected the id to end with the plan year -{plan.Year}, got \"{plan.Id}\"");

        var departments = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Departments.Count; i++)
        {
            var d = plan.Departments[i];
            if (!departments.Add(d.Code)) Error($"$.departments[{i}].code", $"duplicate department code \"{d.Code}\"");
            if (!DepartmentCodeRegex().IsMatch(d.Code)) Error($"$.departments[{i}].code", $"expected A-Z, 0-9 and _, got \"{d.Code}\"");
            if (!d.Email.Contains('@', StringComparison.Ordinal)) Error($"$.departments[{i}].email", $"expected an email address, got \"{d.Email}\"");
        }
        if (plan.Departments.Count == 0) Error("$.departments", "expected at least one department");

        void CheckDepartmentRef(string path, string code)
        {
            if (!departments.Contains(code))
                Error(path, $"unknown department \"{code}\"; expected one of {string.Join(", ", plan.Departments.Select(d => d.Code))}");
        }

        var indicators = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Indicators.Count; i++)
        {
            var ind = plan.Indicators[i];
            var path = $"$.indicators[{i}]";
            if (!indicators.Add(ind.Code)) Error($"{path}.code", $"duplicate indicator code \"{ind.Code}\"");
            if (!IndicatorTarget.Ops.Contains(ind.Target.Op))
                Error($"{path}.target.op", $"unknown op \"{ind.Target.Op}\"; expected one of >=, >, <=, <, =, done");
            else if (ind.Target.Op != "done" && ind.Target.Value is null)
                Error($"{path}.target.value", $"expected a number for op \"{ind.Target.Op}\"");
            if (ind.IsPercentage && ind.Target.Value is < 0 or > 100)
                Error($"{path}.target.value", $"expected a percentage 0–100, got {ind.Target.Value}");
            if (ind.Aggregation is not (null or "sum" or "latest" or "ratio"))
                Error($"{path}.aggregation", $"unknown aggregation \"{ind.Aggregation}\"; expected sum, latest or ratio");
            CheckDepartmentRef($"{path}.lead", ind.Lead);
            for (var c = 0; c < ind.Coordinators.Count; c++) CheckDepartmentRef($"{path}.coordinators[{c}]", ind.Coordinators[c]);
        }

        var tasks = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Tasks.Count; i++)
        {
            var t = plan.Tasks[i];
            var path = $"$.tasks[{i}]";
            if (!tasks.Add(t.Code)) Error($"{path}.code", $"duplicate task code \"{t.Code}\"");
            CheckDepartmentRef($"{path}.lead", t.Lead);
            for (var c = 0; c < t.Coordinators.Count; c++) CheckDepartmentRef($"{path}.coordinators[{c}]", t.Coordinators[c]);
            if (!TimeframeParser.TryParse(t.Timeframe, plan.Year, out var timeframe, out var error))
                Error($"{path}.timeframe", error);
            else if (timeframe.Year != plan.Year)
                Error($"{path}.timeframe", $"period outside the plan's year: \"{t.Timeframe}\" is in {timeframe.Year}, expected {plan.Year}");
        }

        for (var i = 0; i < plan.Budget.Count; i++)
            if (plan.Budget[i].AmountMillionVnd < 0)
                Error($"$.budget[{i}].amountMillionVnd", $"expected a non-negative amount, got {plan.Budget[i].AmountMillionVnd}");

        // The first of a duplicated code wins here; the duplicate itself is an error below.
        var statistics = plan.Statistics.GroupBy(s => s.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (statistics.Count != plan.Statistics.Count)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < plan.Statistics.Count; i++)
                if (!seen.Add(plan.Statistics[i].Code)) Error($"$.statistics[{i}].code", $"duplicate statistic code \"{plan.Statistics[i].Code}\"");
        }
        for (var i = 0; i < plan.Statistics.Count; i++)
        {
            var s = plan.Statistics[i];
            if (s.Of is null)
            {
                // A share without its whole cannot be checked: say so rather than pass it.
                if (s.StatedPercent is { } alone)
                    Warn($"$.statistics[{i}].statedPercent",
                        $"unverifiable: stated rate {Format(alone)}% for {Format(s.Value)} ({s.Code}) names no denominator (\"of\"), so it cannot be checked against counts");
                continue;
            }
            if (!statistics.TryGetValue(s.Of, out var of))
            {
                Error($"$.statistics[{i}].of", $"unknown statistic \"{s.Of}\"; expected one of this plan's statistic codes");
                continue;
            }
            if (s.StatedPercent is { } stated && of.Value == 0)
                Warn($"$.statistics[{i}].statedPercent", $"unverifiable: stated rate {Format(stated)}% is a share of {s.Of}, which is 0");
            else if (s.StatedPercent is { } rate && !StatedRateAgrees(rate, s.Value, of.Value, out var computed))
                Warn($"$.statistics[{i}].statedPercent",
                    $"stated rate {Format(rate)}% disagrees with its counts: {Format(s.Value)} of {Format(of.Value)} ({s.Of}) is {Format(computed)}%");
        }

        CheckSigner("$.signer", plan.Signer);
        if (plan.Reports is { } reports)
        {
            if (reports.IssuingBody.Count is < 1 or > 2 || reports.IssuingBody.Any(string.IsNullOrWhiteSpace))
                Error("$.reports.issuingBody", $"expected one or two non-empty header lines (\"ỦY BAN NHÂN DÂN\", \"XÃ TAM PHƯỚC\"), got {reports.IssuingBody.Count}");
            if (!SymbolRegex().IsMatch(reports.Symbol))
                Error("$.reports.symbol", $"expected a report symbol such as BC-UBND, got \"{reports.Symbol}\"");
            CheckSigner("$.reports.signer", reports.Signer);
            // A People's Committee report carries its header, its symbol and its signature block together.
            var committee = reports.Symbol.EndsWith("-UBND", StringComparison.Ordinal);
            if (committee && reports.IssuingBody.Count > 0 && !string.Equals(reports.IssuingBody[0].Trim(), "ỦY BAN NHÂN DÂN", StringComparison.OrdinalIgnoreCase))
                Error("$.reports.issuingBody[0]", $"symbol {reports.Symbol} is a People's Committee's: expected the header \"ỦY BAN NHÂN DÂN\", got \"{reports.IssuingBody[0]}\"");
            var onBehalf = reports.Signer.Lines.FirstOrDefault(l => l.Trim().StartsWith("TM.", StringComparison.OrdinalIgnoreCase));
            if (committee && onBehalf is not null && !string.Equals(onBehalf.Trim(), "TM. ỦY BAN NHÂN DÂN", StringComparison.OrdinalIgnoreCase))
                Error("$.reports.signer.authorityLines", $"symbol {reports.Symbol} is a People's Committee's: expected \"TM. ỦY BAN NHÂN DÂN\", got \"{onBehalf}\"");
        }

        for (var i = 0; i < plan.Indicators.Count; i++)
            if (plan.Indicators[i].Provenance is { } provenance)
                foreach (var (field, value) in provenance.Entries)
                    CheckProvenance($"$.indicators[{i}].provenance.{field}", value);
        for (var i = 0; i < plan.Tasks.Count; i++)
            if (plan.Tasks[i].Provenance is { } provenance)
                foreach (var (field, value) in provenance.Entries)
                    CheckProvenance($"$.tasks[{i}].provenance.{field}", value);

        void CheckSigner(string path, Signer signer)
        {
            if (signer.AuthorityLines.Count > 0 && signer.Authority is not null)
                Error($"{path}.authority", "expected either authorityLines or the older authority, not both");
            var lines = signer.Lines;
            for (var l = 0; l < lines.Count; l++)
                if (!AuthorityPrefixes.Any(p => lines[l].Trim().StartsWith(p + " ", StringComparison.OrdinalIgnoreCase)))
                    Error(signer.AuthorityLines.Count > 0 ? $"{path}.authorityLines[{l}]" : $"{path}.authority",
                        $"expected an authority line starting with {string.Join(", ", AuthorityPrefixes)} (\"KT. CHỦ TỊCH\"), got \"{lines[l]}\"");
        }

        void CheckProvenance(string path, Provenance value)
        {
            if (value.Source is not (Provenance.Stated or Provenance.Assumed))
                Error($"{path}.source", $"expected stated or assumed, got \"{value.Source}\"");
            else if (value.IsAssumed && string.IsNullOrWhiteSpace(value.Reason))
                Error($"{path}.reason", "an assumed value needs its reason (why this department, timeframe or target)");
            else if (!value.IsAssumed && value.Reason is not null && string.IsNullOrWhiteSpace(value.Words))
                Warn($"{path}.words", "a stated value should quote the plan's own words");
        }

        var calendar = plan.EffectiveCalendar;
        for (var i = 0; i < calendar.MonthlyMonths.Count; i++)
            if (calendar.MonthlyMonths[i] is < 1 or > 12 || calendar.MonthlyMonths[i] % 3 == 0)
                Error($"$.calendar.monthlyMonths[{i}]", $"expected a month 1–12 that is not a quarter's last month, got {calendar.MonthlyMonths[i]}");
        if (calendar.CutOffDaysBeforeDue < 1 || calendar.CutOffDaysBeforeDue >= Math.Min(calendar.MonthlyDueDay, calendar.CumulativeDueDay) + 14)
            Error("$.calendar.cutOffDaysBeforeDue", $"expected 1 or more days that keep the cut-off before the due date, got {calendar.CutOffDaysBeforeDue}");
        // Every month has days 1–28: a due day of 29–31 does not exist in February (or in a 30-day month), 0 or 40 in none.
        if (calendar.MonthlyDueDay is < 1 or > 28)
            Error("$.calendar.monthlyDueDay", $"expected a day of the month 1–28, got {calendar.MonthlyDueDay}");
        if (calendar.CumulativeDueDay is < 1 or > 28)
            Error("$.calendar.cumulativeDueDay", $"expected a day of the month 1–28, got {calendar.CumulativeDueDay}");
        if (!TimeOnly.TryParseExact(calendar.SendTime, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            Error("$.calendar.sendTime", $"expected HH:mm, got \"{calendar.SendTime}\"");
        for (var i = 0; i < plan.Channels.Count; i++)
            if (plan.Channels[i] is not ("email" or "forward"))
                Error($"$.delivery.channels[{i}]", $"unknown channel \"{plan.Channels[i]}\"; expected email or forward");
        if (ApprovalModes.Problem(plan.Approval) is { } approval) Error("$.approval", approval);
        if (plan.Delivery?.LateNotice is { } lateNotice)
        {
            for (var i = 0; i < lateNotice.Count; i++)
                if (LateNoticeRecipients.Problem(lateNotice[i]) is { } notice) Error($"$.delivery.lateNotice[{i}]", notice);
            if (lateNotice.Count > 0 && !plan.RequiresApproval)
                Warn("$.delivery.lateNotice", $"only a report that awaits approval is told late, and this plan says approval: {plan.Approval ?? ApprovalModes.None}; expected approval: required, or no lateNotice");
        }
        if (plan.Signing?.Agency is { PasswordAtSigning: true })
            Error("$.signing.agency.passwordAtSigning", "only the signer's certificate takes its password at signing; the agency's signs unattended: expected its password or passwordFile");
        if (plan.Signing?.Signer is { PasswordAtSigning: true } typed)
        {
            if (!plan.RequiresApproval)
                Error("$.signing.signer.passwordAtSigning", $"valid only with \"approval\": \"{ApprovalModes.Required}\": the signer types the password when approving; without approval the report is signed unattended at the send time");
            if (typed.Password is not null || typed.PasswordFile is not null)
                Error(typed.Password is not null ? "$.signing.signer.password" : "$.signing.signer.passwordFile",
                    "expected no password or passwordFile with passwordAtSigning: the password is typed at signing and never stored");
        }

        return problems;
    }

    private static IEnumerable<string> NullItems(Plan plan)
    {
        static IEnumerable<string> In<T>(IReadOnlyList<T>? list, string path)
        {
            if (list is null) { yield return path; yield break; }
            for (var i = 0; i < list.Count; i++) if (list[i] is null) yield return $"{path}[{i}]";
        }
        if (plan.Commune is null) yield return "$.commune";
        if (plan.HigherLevel is null) yield return "$.higherLevel";
        if (plan.Document is null) yield return "$.document";
        if (plan.Signer is null) yield return "$.signer";
        foreach (var p in In(plan.Recipients, "$.recipients")) yield return p;
        foreach (var p in In(plan.Departments, "$.departments")) yield return p;
        foreach (var p in In(plan.Indicators, "$.indicators")) yield return p;
        foreach (var p in In(plan.Tasks, "$.tasks")) yield return p;
        foreach (var p in In(plan.Budget, "$.budget")) yield return p;
        foreach (var p in In(plan.Statistics, "$.statistics")) yield return p;
        foreach (var p in In(plan.Notes, "$.notes")) yield return p;
        if (plan.Indicators is { } indicators)
            for (var i = 0; i < indicators.Count; i++)
            {
                if (indicators[i] is not { } ind) continue;
                if (ind.Target is null) yield return $"$.indicators[{i}].target";
                foreach (var p in In(ind.Coordinators, $"$.indicators[{i}].coordinators")) yield return p;
            }
        if (plan.Tasks is { } tasks)
            for (var i = 0; i < tasks.Count; i++)
                if (tasks[i] is { } t)
                    foreach (var p in In(t.Coordinators, $"$.tasks[{i}].coordinators")) yield return p;
        if (plan.Calendar is { } calendar)
        {
            foreach (var p in In(calendar.MonthlyMonths, "$.calendar.monthlyMonths")) yield return p;
            foreach (var p in In(calendar.ReminderDays, "$.calendar.reminderDays")) yield return p;
            if (calendar.SendTime is null) yield return "$.calendar.sendTime";
        }
        if (plan.Delivery is { } delivery)
        {
            foreach (var p in In(delivery.Channels, "$.delivery.channels")) yield return p;
            if (delivery.LateNotice is { } lateNotice) foreach (var p in In(lateNotice, "$.delivery.lateNotice")) yield return p;
        }
    }

    /// <summary>
    /// Whether a stated percentage agrees with part / whole within <see cref="StatedRateTolerance"/>, or within half the
    /// last digit it is printed to when that is coarser. Bình Chương's 74,07 % for 1.223 of 1.642 (74,48 %) does not.
    /// </summary>
    public static bool StatedRateAgrees(decimal stated, decimal part, decimal whole, out decimal computed)
    {
        computed = Math.Round(part / whole * 100m, 2);
        var printed = 0.5m / (decimal)Math.Pow(10, stated.Scale);
        return Math.Abs(computed - stated) <= Math.Max(StatedRateTolerance, printed);
    }

    private static string Describe(JsonException e)
    {
        var message = e.Message;
        // System.Text.Json appends its own path and position; the path is reported separately.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        if (e.LineNumber is { } line) message += $" (line {line + 1})";
        return message;
    }

    private static string Format(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z0-9-]+-[0-9]{4}$")]
    private static partial Regex IdRegex();
    [GeneratedRegex("^[A-ZĐ]{2,}(-[A-ZĐ0-9]+)+$")]
    private static partial Regex SymbolRegex();
    [GeneratedRegex("^[A-Z0-9_]+$")]
    private static partial Regex DepartmentCodeRegex();
}
