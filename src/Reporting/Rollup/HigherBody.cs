using System.Text.Json;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>
/// A higher-level body (cấp trên: a district, city or provincial department) that rolls up its communes' reports:
/// who it is as printed in the header, which communes it expects, its own calendar and where its report goes.
/// Read from seeds/higher/&lt;id&gt;.json.
/// </summary>
public sealed record HigherBody
{
    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Schema { get; init; }
    public required string Id { get; init; }
    public required int Year { get; init; }
    /// <summary>"Sở Khoa học và Công nghệ tỉnh Quảng Ngãi".</summary>
    public required string Name { get; init; }
    /// <summary>"province", "city" or "district".</summary>
    public required string Level { get; init; }
    /// <summary>First line of the header's left column: the governing body ("UBND TỈNH QUẢNG NGÃI").</summary>
    public required string IssuingBody { get; init; }
    /// <summary>Second line: the body itself ("SỞ KHOA HỌC VÀ CÔNG NGHỆ").</summary>
    public required string IssuingUnit { get; init; }
    /// <summary>The place in "Quảng Ngãi, ngày … tháng … năm …".</summary>
    public required string Place { get; init; }
    /// <summary>The document symbol after the number: "BC-SKHCN" prints "Số: …/BC-SKHCN".</summary>
    public required string DocumentCode { get; init; }
    public required Signer Signer { get; init; }
    public IReadOnlyList<string> Recipients { get; init; } = [];
    /// <summary>Where this body's roll-up goes: the next level up.</summary>
    public required HigherLevel HigherLevel { get; init; }
    /// <summary>
    /// The communes expected to report, by the plan id their hub forwards (CommuneReportSubmitted.PlanId). A simulated
    /// commune is "&lt;base plan id&gt;#NNN": it reports with the base plan's indicator codes and targets.
    /// </summary>
    public IReadOnlyList<string> Communes { get; init; } = [];
    /// <summary>Where a commune that has not reported is reminded (đôn đốc): commune id → the commune office's email.</summary>
    public IReadOnlyDictionary<string, string> CommuneContacts { get; init; } = new Dictionary<string, string>();
    /// <summary>The communes' calendar (their due dates and reminder days); the default when absent.</summary>
    public CalendarSettings? CommuneCalendar { get; init; }
    /// <summary>This body's own due date: the communes' adjusted due date plus this many days, then the next working day.</summary>
    public int DueOffsetDays { get; init; } = 5;
    public DeliverySettings? Delivery { get; init; }
    /// <summary>"none" (the roll-up is sent unattended) or "required" (approved by the body's signer first); absent: "none".</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Approval { get; init; }
    public string? Note { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool RequiresApproval => ApprovalModes.IsRequired(Approval);

    public CalendarSettings EffectiveCommuneCalendar => CommuneCalendar ?? CalendarSettings.Default;
    public IReadOnlyList<string> Channels => Delivery?.Channels is { Count: > 0 } c ? c : ["email"];

    /// <summary>The plan whose indicator codes a commune reports with: the id itself, or the part before '#' for a simulated commune.</summary>
    public static string BasePlanId(string communeId)
    {
        var hash = communeId.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? communeId : communeId[..hash];
    }

    /// <summary>This body's reports for its year: the communes' periods, each with the body's own due date.</summary>
    public IReadOnlyList<RollupPeriod> CalendarFor(HolidayCalendar holidays, int? year = null) =>
        ReportingCalendar.For(year ?? Year, EffectiveCommuneCalendar, holidays)
            .Select(p => new RollupPeriod(p, holidays.NextWorkingDayFrom(p.AdjustedDueDate.AddDays(DueOffsetDays))))
            .ToList();

    /// <summary>A period of this body's year; null for another year's (a body is configured per year, like a plan).</summary>
    public RollupPeriod? FindPeriod(HolidayCalendar holidays, string label) =>
        ReportingCalendar.TryParseYear(label, out var year) && year == Year ? CalendarFor(holidays).FirstOrDefault(p => p.Communes.Period == label) : null;
}

/// <summary>
/// One roll-up report: the communes' period (their data window and <see cref="ReportingPeriod.AdjustedDueDate"/>, by which
/// a commune's report is on time) and this body's own due date to the next level up.
/// </summary>
public sealed record RollupPeriod(ReportingPeriod Communes, DateOnly DueDate)
{
    public string Period => Communes.Period;
}

/// <summary>Reads and checks higher-body files; every problem names the file, the JSON path and what was expected.</summary>
public static partial class HigherBodyLoader
{
    public const string Folder = "higher";

    public static (HigherBody? Body, IReadOnlyList<PlanProblem> Problems) Parse(string file, string json, PlanCatalog? plans)
    {
        HigherBody? body;
        try
        {
            body = JsonSerializer.Deserialize<HigherBody>(json, PlanJson.Options);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
            return (null, [new PlanProblem(file, e.Path ?? "$", message)]);
        }
        if (body is null) return (null, [new PlanProblem(file, "$", "expected a higher-body object, got null")]);
        var problems = new List<PlanProblem>();
        void Error(string path, string message) => problems.Add(new PlanProblem(file, path, message));

        if (!IdRegex().IsMatch(body.Id)) Error("$.id", $"expected a lower-case id ending in the year, such as \"quang-ngai-skhcn-2026\", got \"{body.Id}\"");
        else if (!body.Id.EndsWith($"-{body.Year}", StringComparison.Ordinal)) Error("$.id", $"expected the id to end with the year -{body.Year}, got \"{body.Id}\"");
        if (body.Level is not ("province" or "city" or "district")) Error("$.level", $"unknown level \"{body.Level}\"; expected province, city or district");
        if (!body.HigherLevel.Email.Contains('@', StringComparison.Ordinal)) Error("$.higherLevel.email", $"expected an email address, got \"{body.HigherLevel.Email}\"");
        if (body.DueOffsetDays is < 0 or > 60) Error("$.dueOffsetDays", $"expected 0–60 days after the communes' due date, got {body.DueOffsetDays}");
        if (ApprovalModes.Problem(body.Approval) is { } approval) Error("$.approval", approval);
        if (body.Communes.Count == 0) Error("$.communes", "expected at least one commune (a plan id such as \"binh-chuong-2026\")");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < body.Communes.Count; i++)
        {
            var commune = body.Communes[i];
            if (!seen.Add(commune)) Error($"$.communes[{i}]", $"duplicate commune \"{commune}\"");
            if (!CommuneRegex().IsMatch(commune))
                Error($"$.communes[{i}]", $"expected a plan id, optionally with #NNN for a simulated commune (\"binh-chuong-2026#017\"), got \"{commune}\"");
            else if (plans is not null && commune.Contains('#', StringComparison.Ordinal) && plans.Find(BasePlanOf(commune)) is null)
                Error($"$.communes[{i}]", $"simulated commune \"{commune}\" points to unknown plan \"{BasePlanOf(commune)}\"");
        }
        foreach (var (commune, email) in body.CommuneContacts)
        {
            if (!seen.Contains(commune)) Error($"$.communeContacts['{commune}']", $"unknown commune \"{commune}\"; expected one of $.communes");
            if (!email.Contains('@', StringComparison.Ordinal)) Error($"$.communeContacts['{commune}']", $"expected an email address, got \"{email}\"");
        }
        for (var i = 0; i < body.Channels.Count; i++)
            if (body.Channels[i] is not ("email" or "forward"))
                Error($"$.delivery.channels[{i}]", $"unknown channel \"{body.Channels[i]}\"; expected email or forward");
        // As in a plan: "higherLevel" (the body's higherLevel.email) or an address; used only while a roll-up awaits approval.
        var lateNotice = body.Delivery?.LateNotice ?? [];
        for (var i = 0; i < lateNotice.Count; i++)
            if (LateNoticeRecipients.Problem(lateNotice[i] ?? "null") is { } notice) Error($"$.delivery.lateNotice[{i}]", notice);
        return (problems.Count == 0 ? body : null, problems);
    }

    /// <summary>Reads seeds/higher/&lt;id&gt;.json; without an id, the only file there. Throws <see cref="PlanFileException"/>.</summary>
    public static HigherBody Load(string seeds, string? id, PlanCatalog? plans)
    {
        var folder = Path.Combine(seeds, Folder);
        var files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList() : [];
        string file;
        if (!string.IsNullOrWhiteSpace(id))
        {
            file = Path.Combine(folder, id + ".json");
            if (!File.Exists(file))
                throw new PlanFileException(file, "$", $"unknown higher body \"{id}\"; expected one of {string.Join(", ", files.Select(Path.GetFileNameWithoutExtension))} (files in {folder})");
        }
        else if (files.Count == 1)
            file = files[0];
        else
            throw new PlanFileException(folder, "$", files.Count == 0
                ? "expected a higher-body file (seeds/higher/<id>.json)"
                : $"several higher bodies; choose one with Hub:Higher:Id or --body: {string.Join(", ", files.Select(Path.GetFileNameWithoutExtension))}");
        var (body, problems) = Parse(file, File.ReadAllText(file), plans);
        if (body is null) throw new PlanFileException(problems);
        return body;
    }

    private static string BasePlanOf(string commune) => HigherBody.BasePlanId(commune);

    [GeneratedRegex("^[a-z0-9-]+-[0-9]{4}$")]
    private static partial Regex IdRegex();
    [GeneratedRegex("^[a-z0-9-]+-[0-9]{4}(#[0-9]{3,})?$")]
    private static partial Regex CommuneRegex();
}
