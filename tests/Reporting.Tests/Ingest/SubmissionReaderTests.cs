using ChuyenDoiSo.Reporting.Ingest;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

public sealed class SubmissionReaderTests
{
    private const string Complete = """
        {
          "messageId": "6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01",
          "planId": "binh-chuong-2026",
          "department": "TTPVHCC",
          "period": "2026-Q1",
          "submittedAt": "2026-03-02T09:00:00+07:00",
          "submittedBy": "Nguyễn Văn A",
          "indicators": [ { "code": "1", "value": 85.0 }, { "code": "7", "numerator": 3, "denominator": 10 } ],
          "tasks": [ { "code": "III.5.b", "status": "in_progress", "progress": 50, "note": "Đang triển khai" } ],
          "statistics": [ { "code": "dossiers_received", "value": 120 } ],
          "narrative": { "results": "Kết quả", "difficulties": "Khó khăn", "proposals": "Đề xuất" }
        }
        """;

    [Fact]
    public void Read_givesMessageWithEveryField_forCompleteValidMessage()
    {
        var read = SubmissionReader.Read(Complete);

        Assert.Empty(read.Reasons);
        Assert.True(read.IsReadable);
        var m = read.Message!;
        Assert.Equal(Guid.Parse("6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01"), m.MessageId);
        Assert.Equal(m.MessageId, read.MessageId);
        Assert.Equal(("binh-chuong-2026", "TTPVHCC", "2026-Q1", "Nguyễn Văn A"), (m.PlanId, m.Department, m.Period, m.SubmittedBy));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), m.SubmittedAt);
        Assert.Equal(2, m.Indicators.Count);
        Assert.Equal(("1", 85.0m, (decimal?)null, (decimal?)null), (m.Indicators[0].Code, m.Indicators[0].Value, m.Indicators[0].Numerator, m.Indicators[0].Denominator));
        Assert.Equal(("7", (decimal?)null, 3m, 10m), (m.Indicators[1].Code, m.Indicators[1].Value, m.Indicators[1].Numerator, m.Indicators[1].Denominator));
        var task = Assert.Single(m.Tasks);
        Assert.Equal(("III.5.b", "in_progress", 50m, "Đang triển khai"), (task.Code, task.Status, task.Progress, task.Note));
        var statistic = Assert.Single(m.Statistics);
        Assert.Equal(("dossiers_received", 120m), (statistic.Code, statistic.Value));
        Assert.Equal(("Kết quả", "Khó khăn", "Đề xuất"), (m.Narrative!.Results, m.Narrative.Difficulties, m.Narrative.Proposals));
    }

    [Fact]
    public void Read_givesNotANumberAtValuePath_whenValueIsPercentString()
    {
        var json = Complete.Replace("\"value\": 85.0", "\"value\": \"85%\"", StringComparison.Ordinal);

        var read = SubmissionReader.Read(json);

        var reason = Assert.Single(read.Reasons);
        Assert.Equal(("not_a_number", "$.indicators[0].value"), (reason.Code, reason.Field));
        Assert.Contains("85%", reason.Message, StringComparison.Ordinal);
        Assert.False(read.IsReadable);
    }

    [Fact]
    public void Read_givesMalformedJson_whenBodyIsNotJson()
    {
        var read = SubmissionReader.Read("{ \"messageId\": \"6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01\", \"planId\": ");

        var reason = Assert.Single(read.Reasons);
        Assert.Equal("malformed_json", reason.Code);
        Assert.Null(read.Message);
        Assert.False(read.IsReadable);
    }

    [Fact]
    public void ReadMany_givesMalformedJson_whenFileIsNotJson()
    {
        var results = SubmissionReader.ReadMany("[ { \"planId\": \"binh-chuong-2026\" ");

        var only = Assert.Single(results);
        Assert.Equal("malformed_json", Assert.Single(only.Reasons).Code);
        Assert.Null(only.Message);
    }

    [Fact]
    public void ReadMany_givesOneResultPerElementWithIndexedPaths_forArrayFile()
    {
        var second = Complete
            .Replace("6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01", "6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a02", StringComparison.Ordinal)
            .Replace("\"value\": 85.0", "\"value\": \"85%\"", StringComparison.Ordinal)
            .Replace("\"planId\": \"binh-chuong-2026\",", "", StringComparison.Ordinal);
        var third = Complete.Replace("6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01", "6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a03", StringComparison.Ordinal);

        var results = SubmissionReader.ReadMany($"[{Complete},{second},{third}]");

        Assert.Equal(3, results.Count);
        Assert.Empty(results[0].Reasons);
        Assert.Equal(
            [("missing_field", "$[1].planId"), ("not_a_number", "$[1].indicators[0].value")],
            results[1].Reasons.Select(r => (r.Code, r.Field)).Order());
        Assert.Empty(results[2].Reasons);
        Assert.Equal(Guid.Parse("6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a03"), results[2].MessageId);
    }

    [Fact]
    public void ReadMany_givesSingleResultAtRoot_forOneObject()
    {
        var results = SubmissionReader.ReadMany(Complete);

        Assert.Empty(Assert.Single(results).Reasons);
    }

    [Fact]
    public void Read_givesMissingField_whenPlanIdIsAbsent()
    {
        var json = Complete.Replace("\"planId\": \"binh-chuong-2026\",", "", StringComparison.Ordinal);

        var read = SubmissionReader.Read(json);

        var reason = Assert.Single(read.Reasons);
        Assert.Equal(("missing_field", "$.planId"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Read_takesFallbackMessageId_whenBodyHasNone()
    {
        var json = Complete.Replace("\"messageId\": \"6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01\",", "", StringComparison.Ordinal);
        var fallback = Guid.Parse("0b7a4a55-1111-4222-8333-944445555666");

        var read = SubmissionReader.Read(json, fallback);

        Assert.Empty(read.Reasons);
        Assert.Equal(fallback, read.MessageId);
        Assert.Equal(fallback, read.Message!.MessageId);
    }

    [Fact]
    public void Read_givesMissingField_whenNoMessageIdAndNoFallback()
    {
        var json = Complete.Replace("\"messageId\": \"6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01\",", "", StringComparison.Ordinal);

        var read = SubmissionReader.Read(json);

        var reason = Assert.Single(read.Reasons);
        Assert.Equal(("missing_field", "$.messageId"), (reason.Code, reason.Field));
    }

    [Fact]
    public void Read_prefersBodyMessageId_overFallback()
    {
        var read = SubmissionReader.Read(Complete, Guid.Parse("0b7a4a55-1111-4222-8333-944445555666"));

        Assert.Equal(Guid.Parse("6f1c1f9e-6c8e-4a53-9b3e-0d6f8f1c2a01"), read.MessageId);
    }
}
