using System.Globalization;
using ChuyenDoiSo.Reporting.Storage;
using Dapper;

namespace ChuyenDoiSo.Reporting.Register;

/// <summary>One issued document in the outgoing register (sổ đăng ký văn bản đi).</summary>
public sealed record RegisterEntry
{
    public long Id { get; init; }
    public string BodyId { get; init; } = "";
    public long Year { get; init; }
    public long Sequence { get; init; }
    /// <summary>As printed after "Số: ", e.g. "07/BC-UBND".</summary>
    public string Number { get; init; } = "";
    public string Period { get; init; } = "";
    public DateOnly IssueDate { get; init; }
    public long? ReplacesId { get; init; }
    public byte[]? Pdf { get; init; }
    public string? PdfSha256 { get; init; }
    public byte[]? Docx { get; init; }
    public string? Html { get; init; }
    public string? Json { get; init; }
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>The document bytes are stored: sending it again sends exactly these.</summary>
    public bool IsStored => Pdf is not null;
}

/// <summary>The bytes of an issued document, stored once before the first send.</summary>
public sealed record IssuedDocument(byte[] Pdf, byte[] Docx, string Html, string Json, DateTimeOffset SignedAt);

/// <summary>
/// The outgoing register (Decree 30/2020 Art. 15): numbers per issuing body, from 1 on 1 January, unique in the year, never reused.
/// A number is taken and its row inserted in one write transaction, so two processes never take the same one and a crash
/// after it leaves a row that the next delivery finishes under the same number.
/// </summary>
public sealed class OutgoingRegister(HubDatabase database)
{
    /// <summary>
    /// The document issued for a body's period: the one already in the register, or a new number on <paramref name="issueDate"/>.
    /// With <paramref name="correction"/>, a stored document is replaced by a new one with a new number that names it (Art. 18.3);
    /// a number whose document was never stored is not "corrected" but finished.
    /// </summary>
    public RegisterEntry Issue(string bodyId, string period, DateOnly issueDate, string suffix, bool correction)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction(deferred: false);
        var current = connection.QueryFirstOrDefault<RegisterEntry>(Sql.CurrentForPeriod, new { bodyId, period }, tx);
        if (current is not null && (!correction || !current.IsStored))
        {
            tx.Commit();
            return current;
        }
        var year = issueDate.Year;
        var sequence = connection.ExecuteScalar<long>(Sql.NextSequence, new { bodyId, year }, tx);
        var number = Format(sequence, suffix);
        var id = connection.ExecuteScalar<long>(Sql.Insert, new
        {
            bodyId, year, sequence, number, period,
            issueDate = issueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            replacesId = correction ? current?.Id : null,
        }, tx);
        tx.Commit();
        return new RegisterEntry { Id = id, BodyId = bodyId, Year = year, Sequence = sequence, Number = number, Period = period, IssueDate = issueDate, ReplacesId = correction ? current?.Id : null };
    }

    /// <summary>Stores the issued bytes once; a second store of the same number keeps the first (what may already have gone out).</summary>
    public RegisterEntry Store(long id, IssuedDocument document)
    {
        using var connection = database.Open();
        connection.Execute(Sql.Store, new
        {
            id, pdf = document.Pdf, pdfSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(document.Pdf)),
            docx = document.Docx, html = document.Html, json = document.Json, signedAt = DateTimeOffsetHandler.Format(document.SignedAt),
        });
        return connection.QuerySingle<RegisterEntry>(Sql.ById, new { id });
    }

    public RegisterEntry? Find(long id)
    {
        using var connection = database.Open();
        return connection.QueryFirstOrDefault<RegisterEntry>(Sql.ById, new { id });
    }

    /// <summary>The newest document issued for a body's period (a correction when there is one), or null.</summary>
    public RegisterEntry? Current(string bodyId, string period)
    {
        using var connection = database.Open();
        return connection.QueryFirstOrDefault<RegisterEntry>(Sql.CurrentForPeriod, new { bodyId, period });
    }

    public IReadOnlyList<RegisterEntry> All(string bodyId)
    {
        using var connection = database.Open();
        return connection.Query<RegisterEntry>(Sql.AllForBody, new { bodyId }).AsList();
    }

    /// <summary>"07/BC-UBND": two digits at least, as offices write them.</summary>
    public static string Format(long sequence, string suffix) => sequence.ToString("00", CultureInfo.InvariantCulture) + suffix;

    private static class Sql
    {
        private const string Columns = """
            id AS Id, body_id AS BodyId, year AS Year, sequence AS Sequence, number AS Number, period AS Period, issue_date AS IssueDate,
            replaces_id AS ReplacesId, pdf AS Pdf, pdf_sha256 AS PdfSha256, docx AS Docx, html AS Html, json AS Json, signed_at AS SignedAt
            """;
        public const string CurrentForPeriod = "SELECT " + Columns + " FROM outgoing_register WHERE body_id = @bodyId AND period = @period ORDER BY id DESC LIMIT 1";
        public const string ById = "SELECT " + Columns + " FROM outgoing_register WHERE id = @id";
        public const string AllForBody = "SELECT " + Columns + " FROM outgoing_register WHERE body_id = @bodyId ORDER BY year, sequence";
        public const string NextSequence = "SELECT COALESCE(MAX(sequence), 0) + 1 FROM outgoing_register WHERE body_id = @bodyId AND year = @year";
        public const string Insert = """
            INSERT INTO outgoing_register (body_id, year, sequence, number, period, issue_date, replaces_id)
            VALUES (@bodyId, @year, @sequence, @number, @period, @issueDate, @replacesId)
            RETURNING id
            """;
        public const string Store = """
            UPDATE outgoing_register SET pdf = @pdf, pdf_sha256 = @pdfSha256, docx = @docx, html = @html, json = @json, signed_at = @signedAt
            WHERE id = @id AND pdf IS NULL
            """;
    }
}
