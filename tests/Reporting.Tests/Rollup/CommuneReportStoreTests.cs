using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using Dapper;
using static ChuyenDoiSo.Reporting.Tests.Rollup.RollupFixtures;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

public sealed class CommuneReportStoreTests : IDisposable
{
    private static readonly DateTimeOffset Received = new(2026, 3, 4, 2, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _db = new();
    private readonly HigherBody _body = Body("alpha-2026", "beta-2026");

    public void Dispose() => _db.Dispose();

    private CommuneReportStore Store => new(_db.Database);

    private static CommuneReportSubmitted Message(string communeId, string json, DateTimeOffset compiledAt, Guid? id = null, string period = "2026-Q1") => new()
    {
        MessageId = id ?? Guid.NewGuid(),
        PlanId = communeId,
        Commune = $"Xã {communeId}",
        Period = period,
        Kind = "quarterly",
        CompiledAt = compiledAt,
        ReportJson = json,
    };

    private CommuneIngestResult Put(CommuneReportSubmitted message, DateTimeOffset receivedAt) =>
        Store.Store(new IncomingCommuneReport(message, message.MessageId, JsonSerializer.Serialize(message, PlanJson.Options), receivedAt, null,
            CommuneReportValidator.Validate(message, _body, HolidayCalendar.WeekendsOnly)));

    private IReadOnlyList<StoredCommuneReport> Current(string period = "2026-Q1")
    {
        using var connection = _db.Open();
        return new RollupQueries(connection).Current(period);
    }

    private List<string> Outcomes()
    {
        using var connection = _db.Open();
        return connection.Query<string>("SELECT outcome FROM commune_receipts ORDER BY id").AsList();
    }

    [Fact]
    public void Store_acceptsReport_andKeepsReceivedAtAsTheSameInstant()
    {
        var message = Message("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 2)]), Received.AddHours(-1));

        var result = Put(message, Received);

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        var stored = Assert.Single(Current());
        Assert.Equal(("alpha-2026", message.ReportJson, Received, Received, 1), (stored.CommuneId, stored.ReportJson, stored.FirstReceivedAt, stored.ReceivedAt, stored.Sends));
    }

    [Fact]
    public void Store_storesRedeliveryOnce_asDuplicate()
    {
        var message = Message("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 2)]), Received);
        Put(message, Received);

        var again = Put(message, Received.AddMinutes(3));
        // The commune forwarded the same report again: same id, same report, a new CompiledAt.
        var reforwarded = Put(message with { CompiledAt = Received.AddDays(1) }, Received.AddDays(1));

        Assert.Equal((IngestOutcome.Duplicate, IngestOutcome.Duplicate), (again.Outcome, reforwarded.Outcome));
        Assert.Equal(1, Assert.Single(Current()).Sends);
        Assert.Equal(["accepted", "duplicate", "duplicate"], Outcomes());
    }

    [Fact]
    public void Store_correctedResendUnderTheSameId_replacesTheReport_andCountsTheCommuneOnce()
    {
        // The commune hub forwards every report of a plan and period under one id; the correction is compiled later.
        var id = Guid.NewGuid();
        Put(Message("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 10)]), Received, id), Received);
        var corrected = Message("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 8, 10)]), Received.AddDays(2), id);

        var result = Put(corrected, Received.AddDays(2));

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        var stored = Assert.Single(Current());
        Assert.Equal((corrected.ReportJson, Received, Received.AddDays(2), 2), (stored.ReportJson, stored.FirstReceivedAt, stored.ReceivedAt, stored.Sends));
        var rollup = RollupCompiler.Compile(Catalogue(), _body, Q1, Expected("alpha-2026", "beta-2026"), Current());
        var online = rollup.Indicators.Single(i => i.Indicator.Key == "online-dossiers");
        Assert.Equal((8m, 10m), (online.Numerator!.Value, online.Denominator!.Value));
        Assert.Single(online.Values);
        // First arrival decides timeliness; the correction came after the due date.
        Assert.Equal(SubmissionStatus.OnTime, rollup.Communes.Single(c => c.CommuneId == "alpha-2026").Status);
        Assert.Equal(SubmissionStatus.Missing, rollup.Communes.Single(c => c.CommuneId == "beta-2026").Status);
    }

    [Fact]
    public void Store_olderCompiledReportArrivingLast_doesNotReplaceTheNewer()
    {
        var newer = Message("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 9, 10)]), Received.AddDays(1));
        var older = Message("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 10)]), Received);
        Put(newer, Received.AddDays(1));

        var result = Put(older, Received.AddDays(2));

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        var stored = Assert.Single(Current());
        Assert.Equal((newer.ReportJson, 2), (stored.ReportJson, stored.Sends));
    }

    [Fact]
    public void Store_recordsConflict_whenTheIdIsReusedForAnotherCommune()
    {
        var id = Guid.NewGuid();
        Put(Message("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 2)]), Received, id), Received);

        var result = Put(Message("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Counted("2.1.a", 1, 2)]), Received.AddDays(1), id), Received.AddDays(1));

        Assert.Equal(IngestOutcome.Conflict, result.Outcome);
        Assert.Equal("alpha-2026", Assert.Single(Current()).CommuneId);
        using var connection = _db.Open();
        Assert.Contains("conflict", connection.QuerySingle<string>("SELECT reasons_json FROM commune_rejections"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gamma-2026", "2026-Q1", "unknown_commune", "$.planId")]
    [InlineData("alpha-2026", "2026-03", "unknown_period", "$.period")]
    [InlineData("alpha-2026", "2025-Q1", "unknown_period", "$.period")]
    public void Store_rejectsReport_namingTheField(string commune, string period, string code, string field)
    {
        var result = Put(Message(commune, ReportJson(commune, "Xã", period, []), Received, period: period), Received);

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        Assert.Contains(result.Reasons, r => r.Code == code && r.Field == field);
        Assert.Empty(Current(period));
    }

    [Fact]
    public void Store_rejectsReportJsonThatIsNotAReport_orNamesAnotherCommune()
    {
        var broken = Put(Message("alpha-2026", "{ not json", Received), Received);
        var mismatch = Put(Message("alpha-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", []), Received), Received);

        Assert.Contains(broken.Reasons, r => r.Code == "invalid_report");
        Assert.Contains(mismatch.Reasons, r => r.Code == "report_mismatch" && r.Field == "$.reportJson.planId");
        Assert.Empty(Current());
    }

    [Fact]
    public void Store_treatsRedeliveredRejection_asDuplicateOfTheSameRejection()
    {
        var message = Message("gamma-2026", ReportJson("gamma-2026", "Xã", "2026-Q1", []), Received);
        Put(message, Received);

        var again = Put(message, Received.AddMinutes(1));

        Assert.Equal(IngestOutcome.Duplicate, again.Outcome);
        using var connection = _db.Open();
        Assert.Equal(1, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM commune_rejections"));
        Assert.Equal(["rejected", "duplicate"], Outcomes());
    }
}
