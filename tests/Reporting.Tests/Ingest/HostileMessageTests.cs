using System.Text;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

/// <summary>
/// One row per class of what a sender can put in a message: each ends as a rejection naming the JSON path and a code,
/// never an exception, and the reason is one line that quotes at most a shortened value.
/// </summary>
public sealed class HostileMessageTests
{
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 3, 0, 0, TimeSpan.Zero);

    private const string Id = "6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10";

    private static string Message(string indicators = """[{ "code": "1", "value": 85 }]""", string id = $"\"{Id}\"", string period = "\"2026-Q1\"",
        string submittedAt = "\"2026-03-02T09:00:00+07:00\"", string statistics = "[]", string narrative = """{ "results": "Kết quả" }""", string extra = "") => $$"""
        { "messageId": {{id}}, "planId": "binh-chuong-2026", "department": "TTPVHCC", "period": {{period}}, "submittedAt": {{submittedAt}},
          "indicators": {{indicators}}, "statistics": {{statistics}}, "narrative": {{narrative}}{{extra}} }
        """;

    /// <summary>Reader, then validator, as the consumer does.</summary>
    private static IReadOnlyList<RejectionReason> Judge(byte[] body)
    {
        var read = SubmissionReader.Read(body, null);
        return read.Reasons.Count > 0 ? read.Reasons : SubmissionValidator.Validate(read.Message!, Catalog, Now);
    }

    private static IReadOnlyList<RejectionReason> Judge(string body) => Judge(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Judge_acceptsTheBaseMessage()
    {
        Assert.Empty(Judge(Message()));
    }

    [Theory]
    // duplicate keys
    [InlineData("""{ "messageId": "6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10", "planId": "binh-chuong-2026", "planId": "x-2026", "department": "TTPVHCC", "period": "2026-Q1" }""", "duplicate_property", "$")]
    // lone and reversed surrogate escapes
    [InlineData("""{ "messageId": "6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10", "planId": "binh-chuong-2026", "department": "TTPVHCC", "period": "2026-Q1", "submittedBy": "\ud800" }""", "invalid_text", "$.submittedBy")]
    [InlineData("""{ "messageId": "6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10", "planId": "binh-chuong-2026", "department": "TTPVHCC", "period": "2026-Q1", "narrative": { "results": "\udc00\ud800" } }""", "invalid_text", "$.narrative.results")]
    // not JSON, not an object
    [InlineData("""{ "messageId": """, "malformed_json", "$")]
    [InlineData("""42""", "wrong_type", "$")]
    public void Judge_rejects_hostileBodies(string body, string code, string field)
    {
        var reasons = Judge(body);

        Assert.Contains(reasons, r => r.Code == code && r.Field.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_rejectsInvalidUtf8_atThePathOfTheString()
    {
        var body = Encoding.UTF8.GetBytes(Message(narrative: """{ "results": "AB" }"""));
        var at = body.AsSpan().IndexOf("\"AB\""u8) + 1;
        body[at] = 0xFF;
        body[at + 1] = 0xFE;

        var reasons = Judge(body);

        var reason = Assert.Single(reasons);
        Assert.Equal(("invalid_text", "$.narrative.results"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Judge_rejectsInvalidUtf8_inAPropertyName()
    {
        // The case the hardening probe saw give no reason: FF FE over the "At" of "submittedAt" made a name the reader
        // ignored as an unknown property, so the message passed without its submittedAt.
        var body = Encoding.UTF8.GetBytes(Message());
        var at = body.AsSpan().IndexOf("\"submittedAt\""u8) + "\"submitted".Length;
        body[at] = 0xFF;
        body[at + 1] = 0xFE;

        var reason = Assert.Single(Judge(body));

        Assert.Equal(("invalid_text", "$"), (reason.Code, reason.Field));
        Assert.Contains("property name", reason.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("79228162514264337593543950335", "out_of_range")]
    [InlineData("12345678901234567.123456789", "out_of_range")]
    [InlineData("1e400", "out_of_range")]
    [InlineData("-1e400", "out_of_range")]
    [InlineData("1e-400", "out_of_range")]
    [InlineData("1000000000000", "out_of_range")]
    [InlineData("0.0000001", "out_of_range")]
    [InlineData("1234567890.123456", "out_of_range")]
    [InlineData("12.5", "not_whole")]
    public void Judge_rejectsNumbersTheHubCannotHoldOrCount(string number, string code)
    {
        var reasons = Judge(Message(statistics: $$"""[{ "code": "dossiers_received", "value": {{number}} }]"""));

        var reason = Assert.Single(reasons);
        Assert.Equal((code, "$.statistics[0].value"), (reason.Code, reason.Field));
    }

    [Theory]
    [InlineData("999999999999")]
    [InlineData("123456789.123456")]
    [InlineData("1.20000000000000000000")]
    [InlineData("12E2")]
    [InlineData("0")]
    public void Judge_acceptsNumbersWithinTheLimits(string number)
    {
        // A statistic in % (Bình Chương's own), so decimals are allowed.
        Assert.Empty(Judge(Message(statistics: $$"""[{ "code": "dossiers_digitized_percent", "value": {{number}} }]""")));
    }

    [Theory]
    [InlineData("""[{ "code": "7", "numerator": 2.5, "denominator": 10 }]""", "not_whole", "$.indicators[0].numerator")]
    [InlineData("""[{ "code": "7", "numerator": 2, "denominator": 10.5 }]""", "not_whole", "$.indicators[0].denominator")]
    public void Judge_rejectsFractionalCounts(string indicators, string code, string field)
    {
        Assert.Contains(Judge(Message(indicators)), r => (r.Code, r.Field) == (code, field));
    }

    [Theory]
    [InlineData("\"0000-01\"")]
    [InlineData("\"9999-FY\"")]
    [InlineData("\"2025-Q1\"")]
    [InlineData("\"2026-13\"")]
    [InlineData("\"2026-03\"")]
    [InlineData("\"2026-Q1\\n\"")]
    public void Judge_rejectsPeriodsOutsideThePlansCalendar(string period)
    {
        var reason = Assert.Single(Judge(Message(period: period)));

        Assert.Equal("$.period", reason.Field);
    }

    [Theory]
    [InlineData("\"00000000-0000-0000-0000-000000000000\"")]
    [InlineData("\"6F1C2A52-0F8E-4B0E-9D7A-2D6A3C1F9B10\"")]
    [InlineData("\"{6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10}\"")]
    [InlineData("\"6f1c2a520f8e4b0e9d7a2d6a3c1f9b10\"")]
    [InlineData("\"(6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10)\"")]
    [InlineData("\" 6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10\"")]
    [InlineData("42")]
    public void Judge_rejectsNonCanonicalOrZeroMessageIds(string id)
    {
        var reason = Assert.Single(Judge(Message(id: id)));

        Assert.Equal("$.messageId", reason.Field);
    }

    [Fact]
    public void Read_rejectsZeroTransportMessageId_whenBodyHasNone()
    {
        var body = Encoding.UTF8.GetBytes("""{ "planId": "binh-chuong-2026", "department": "TTPVHCC", "period": "2026-Q1" }""");

        var read = SubmissionReader.Read(body, Guid.Empty.ToString());

        Assert.Equal(("invalid_message_id", "$.messageId"), (read.Reasons.Single().Code, read.Reasons.Single().Field));
    }

    [Theory]
    [InlineData("\"2026-03-02\"", "invalid_date")]
    [InlineData("\"2026-03-02T09:00:00\"", "invalid_date")]
    [InlineData("\"02/03/2026 09:00 +07:00\"", "invalid_date")]
    [InlineData("\"2026-03-02T09:00:00+07:00\\n\"", "invalid_date")]
    [InlineData("\"9999-12-31T00:00:00Z\"", "in_future")]
    [InlineData("\"2026-03-04T03:06:00Z\"", "in_future")]
    public void Judge_rejectsSubmittedAtWithoutOffsetOrInTheFuture(string at, string code)
    {
        var reason = Assert.Single(Judge(Message(submittedAt: at)));

        Assert.Equal((code, "$.submittedAt"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Judge_acceptsSubmittedAtWithinTheClockSkew()
    {
        Assert.Empty(Judge(Message(submittedAt: "\"2026-03-04T03:04:00Z\"")));
    }

    [Fact]
    public void Judge_rejectsUnknownStatisticCodes_likeIndicatorCodes()
    {
        var reason = Assert.Single(Judge(Message(statistics: """[{ "code": "made_up_1", "value": 1 }]""")));

        Assert.Equal(("unknown_statistic", "$.statistics[0].code"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Judge_rejectsATooLongNarrative_quotingItShortOnOneLine()
    {
        var text = string.Concat(Enumerable.Repeat("dòng\\n", 5_000));
        var reason = Assert.Single(Judge(Message(narrative: $$"""{ "results": "{{text}}" }""")));

        Assert.Equal(("too_long", "$.narrative.results"), (reason.Code, reason.Field));
        Assert.DoesNotContain('\n', reason.Message);
        Assert.True(reason.Message.Length < 300, reason.Message);
    }

    [Fact]
    public void Judge_rejectsAMessageOverTheSizeLimit()
    {
        var pad = new string('a', SubmissionLimits.MaxMessageBytes);
        var reason = Assert.Single(Judge(Message(extra: $", \"padding\": \"{pad}\"")));

        Assert.Equal(("too_large", "$"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Judge_rejectsControlCharactersInCodes_quotingThemEscaped()
    {
        var reason = Assert.Single(Judge(Message("""[{ "code": "1\u0007\r\n", "value": 1 }]""")));

        Assert.Equal(("invalid_text", "$.indicators[0].code"), (reason.Code, reason.Field));
        Assert.DoesNotContain('\n', reason.Message);
        Assert.DoesNotContain('\u0007', reason.Message);
    }

    [Fact]
    public void ReadMany_goesOnPastBadItems_inAnArray()
    {
        var results = SubmissionReader.ReadMany(Encoding.UTF8.GetBytes($"[{Message()}, {{ \"a\": 1, \"a\": 2 }}, {Message(id: "\"00000000-0000-0000-0000-000000000000\"")}, 7]"));

        Assert.Equal(4, results.Count);
        Assert.True(results[0].IsReadable);
        Assert.All(results.Skip(1), r => Assert.NotEmpty(r.Reasons));
    }

    [Fact]
    public void Raw_isTheItemAsSent_notReserialised()
    {
        var body = Message(indicators: """[{"code":"1","value":85.0}]""");

        var read = SubmissionReader.Read(Encoding.UTF8.GetBytes(body), null);

        Assert.Equal(body.Trim(), read.Raw);
    }
}
