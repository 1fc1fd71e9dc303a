using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>The one set of JSON options for plan files, holiday files and the hub's JSON output.</summary>
public static class PlanJson
{
    public static readonly JsonSerializerOptions Options = Create(indented: false);
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented) => new(JsonSerializerDefaults.Web)
    {
        // A typo in a hand-edited plan must fail loudly, not vanish.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // "2025" is not 2025: a hand-edited plan gets the type the schema says, or an error.
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        WriteIndented = indented,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Vietnamese stays readable in output instead of \u escapes.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };
}
