using ChuyenDoiSo.Reporting.Storage;
using Dapper;

namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>
/// Every version of every plan (schema 0010): its JSON, the hash of its file and when the hub first saw it, and the log
/// of changes. A report compiles against the version in force at its cut-off, so an old report stays reproducible after
/// a mid-year change.
/// </summary>
public sealed class PlanVersionStore(HubDatabase database)
{
    /// <summary>Records a plan version (once per plan and hash) and the change; a rejection or removal only logs.</summary>
    public void Record(PlanChange change, DateTimeOffset at)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var when = DateTimeOffsetHandler.Format(at);
        if (change.Json is not null && change.PlanId is not null && change.Hash is not null)
            connection.Execute(Sql.InsertVersion, new { planId = change.PlanId, hash = change.Hash, file = change.File, json = change.Json, at = when }, tx);
        connection.Execute(Sql.InsertChange, new
        {
            at = when,
            planId = change.PlanId,
            file = change.File,
            hash = change.Hash,
            change = change.Change,
            problems = change.Problems.Count == 0 ? null : string.Join('\n', change.Problems.Select(p => p.ToString())),
        }, tx);
        tx.Commit();
    }

    /// <summary>Records the plans a hub starts with as versions first seen now (an unchanged file adds nothing).</summary>
    public void RecordCurrent(PlanRegistry registry, DateTimeOffset at)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        foreach (var plan in registry.Loaded)
            connection.Execute(Sql.InsertVersion, new { planId = plan.PlanId, hash = plan.Hash, file = plan.File, json = plan.Json, at = DateTimeOffsetHandler.Format(at) }, tx);
        tx.Commit();
    }

    /// <summary>The plan as it was at an instant: the latest version first seen at or before it, else the earliest; null if none stored.</summary>
    /// <remarks>
    /// One object per stored version: the catalogue caches calendars per plan object, so parsing anew at every compile
    /// would grow that cache for ever.
    /// </remarks>
    public Plan? VersionAt(string planId, DateTimeOffset instant)
    {
        using var connection = database.Open();
        var row = connection.QueryFirstOrDefault<VersionRow>(Sql.AtOrBefore, new { planId, at = DateTimeOffsetHandler.Format(instant) })
            ?? connection.QueryFirstOrDefault<VersionRow>(Sql.Earliest, new { planId });
        return row is null ? null : _parsed.GetOrAdd((planId, row.Hash), _ => PlanValidator.Parse(row.File, row.Json).Plan);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string PlanId, string Hash), Plan?> _parsed = new();

    public IReadOnlyList<ChangeRow> Changes()
    {
        using var connection = database.Open();
        return connection.Query<ChangeRow>(Sql.Changes).ToList();
    }

    public sealed record VersionRow(string File, string Json, string Hash);

    public sealed record ChangeRow
    {
        public string At { get; init; } = "";
        public string? PlanId { get; init; }
        public string File { get; init; } = "";
        public string? Hash { get; init; }
        public string Change { get; init; } = "";
        public string? Problems { get; init; }
    }

    private static class Sql
    {
        public const string InsertVersion = """
            INSERT INTO plan_versions (plan_id, hash, file, json, first_seen_at) VALUES (@planId, @hash, @file, @json, @at)
            ON CONFLICT (plan_id, hash) DO NOTHING
            """;
        public const string InsertChange = """
            INSERT INTO plan_changes (at, plan_id, file, hash, change, problems) VALUES (@at, @planId, @file, @hash, @change, @problems)
            """;
        public const string AtOrBefore = """
            SELECT file AS File, json AS Json, hash AS Hash FROM plan_versions
            WHERE plan_id = @planId AND first_seen_at <= @at ORDER BY first_seen_at DESC LIMIT 1
            """;
        public const string Earliest = """
            SELECT file AS File, json AS Json, hash AS Hash FROM plan_versions WHERE plan_id = @planId ORDER BY first_seen_at LIMIT 1
            """;
        public const string Changes = """
            SELECT at AS At, plan_id AS PlanId, file AS File, hash AS Hash, change AS Change, problems AS Problems
            FROM plan_changes ORDER BY id
            """;
    }
}
