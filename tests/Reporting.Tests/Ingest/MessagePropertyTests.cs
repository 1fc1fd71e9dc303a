using System.Text;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using CsCheck;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

/// <summary>
/// Thousands of generated inputs through the message reader, the validator and the plan loader: every one ends
/// accepted or rejected with reasons (each naming a path, on one line), never an exception.
/// </summary>
public sealed class MessagePropertyTests
{
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 3, 0, 0, TimeSpan.Zero);
    private static readonly string[] Seeds = Directory.EnumerateFiles(TestPaths.Seeds, "*-20??.json").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();

    /// <summary>Hostile JSON fragments: what a careless sender or an attacker writes.</summary>
    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.Const("null"), Gen.Const("true"), Gen.Const("\"\""), Gen.Const("\"\\ud800\""), Gen.Const("\"\\udc00\\ud800\""), Gen.Const("\"\\u0000\""),
        Gen.Const("79228162514264337593543950335"), Gen.Const("1e400"), Gen.Const("-0"), Gen.Const("12345678901234567.123456789"), Gen.Const("0.0000001"),
        Gen.Const("\"00000000-0000-0000-0000-000000000000\""), Gen.Const("\"2026-Q1\""), Gen.Const("\"0000-01\""), Gen.Const("\"9999-FY\""),
        Gen.Const("\"9999-12-31T00:00:00Z\""), Gen.Const("\"binh-chuong-2026\""), Gen.Const("\"TTPVHCC\""), Gen.Const("\"1\""), Gen.Const("\"III.5.b\""),
        Gen.Const("\"dossiers_received\""), Gen.Const("\"in_progress\""), Gen.Const("[]"), Gen.Const("{}"), Gen.Const("[null]"),
        Gen.Int[-1000, 1000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1"),
        Gen.String.Select(s => System.Text.Json.JsonSerializer.Serialize(s)),
        Gen.Guid.Select(g => $"\"{g}\""));

    private static readonly Gen<string> Name = Gen.OneOf(
        Gen.Const("messageId"), Gen.Const("planId"), Gen.Const("department"), Gen.Const("period"), Gen.Const("submittedAt"), Gen.Const("submittedBy"),
        Gen.Const("indicators"), Gen.Const("tasks"), Gen.Const("statistics"), Gen.Const("narrative"), Gen.Const("code"), Gen.Const("value"),
        Gen.Const("numerator"), Gen.Const("denominator"), Gen.Const("status"), Gen.Const("progress"), Gen.Const("note"), Gen.Const("results"));

    private static readonly Gen<string> Json = Gen.Recursive<string>((depth, self) => depth >= 3 ? Scalar : Gen.OneOf(
        Scalar,
        self.Array[0, 4].Select(items => $"[{string.Join(",", items)}]"),
        Gen.Select(Name, self).Array[0, 8].Select(props => $"{{{string.Join(",", props.Select(p => $"\"{p.Item1}\":{p.Item2}"))}}}")));

    /// <summary>A valid message with one field replaced by anything: most of the corpus reaches the validator.</summary>
    private static readonly Gen<string> NearlyValid = Gen.Select(Name, Json).Select(p =>
        $$$"""{"messageId":"6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10","planId":"binh-chuong-2026","department":"TTPVHCC","period":"2026-Q1","indicators":[{"code":"1","value":85}],"statistics":[{"code":"dossiers_received","value":1}],"{{{p.Item1}}}x":0,"tasks":[{"code":"III.5.b","status":"in_progress","{{{p.Item1}}}":{{{p.Item2}}}}],"narrative":{"{{{p.Item1}}}":{{{p.Item2}}}}}""");

    private static void EndsAcceptedOrRejected(byte[] body)
    {
        foreach (var read in SubmissionReader.ReadMany(body))
        {
            var reasons = read.Reasons.Count > 0 ? read.Reasons : SubmissionValidator.Validate(read.Message!, Catalog, Now);
            Assert.All(reasons, r =>
            {
                Assert.StartsWith("$", r.Field, StringComparison.Ordinal);
                Assert.False(string.IsNullOrEmpty(r.Code));
                Assert.DoesNotContain('\n', r.Message);
            });
            if (reasons.Count == 0) Assert.NotNull(IngestStore.ContentHash(read.Message!));
        }
    }

    [Fact]
    public void ReaderAndValidator_neverThrow_onGeneratedJson()
    {
        Json.Sample(json => EndsAcceptedOrRejected(Encoding.UTF8.GetBytes(json)), iter: 3_000);
    }

    [Fact]
    public void ReaderAndValidator_neverThrow_onNearlyValidMessages()
    {
        NearlyValid.Sample(json => EndsAcceptedOrRejected(Encoding.UTF8.GetBytes(json)), iter: 3_000);
    }

    [Fact]
    public void ReaderAndValidator_neverThrow_onMutatedBytes()
    {
        var valid = Encoding.UTF8.GetBytes("""{"messageId":"6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10","planId":"binh-chuong-2026","department":"TTPVHCC","period":"2026-Q1","submittedAt":"2026-03-02T09:00:00+07:00","indicators":[{"code":"7","numerator":3,"denominator":10}],"narrative":{"results":"Kết quả"}}""");
        Gen.Select(Gen.Int[0, valid.Length - 1].Array[1, 4], Gen.Byte.Array[1, 4]).Sample(m =>
        {
            var body = (byte[])valid.Clone();
            for (var i = 0; i < m.Item1.Length; i++) body[m.Item1[i]] = m.Item2[i % m.Item2.Length];
            EndsAcceptedOrRejected(body);
        }, iter: 3_000);
    }

    [Fact]
    public void PlanLoader_neverThrows_onMutatedPlans()
    {
        // A seed plan with one JSON value replaced by a hostile one, or a few bytes changed.
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 1_000_000], Scalar).Sample(p =>
        {
            var (seed, at, scalar) = p;
            var text = Seeds[seed];
            var colons = Enumerable.Range(0, text.Length).Where(i => text[i] == ':').ToArray();
            var colon = colons[at % colons.Length];
            var end = text.IndexOfAny([',', '}', ']'], colon + 1);
            var mutated = end > colon ? string.Concat(text.AsSpan(0, colon + 1), scalar, text.AsSpan(end)) : text;
            var result = PlanValidator.Parse("mutated.json", mutated);
            Assert.True(result.IsValid || result.Problems.Any(x => !x.IsWarning));
            if (result.IsValid) Assert.NotEmpty(ChuyenDoiSo.Reporting.Calendar.ReportingCalendar.For(result.Plan!.Year, result.Plan.EffectiveCalendar, Catalog.Holidays));
        }, iter: 2_000);
    }
}
