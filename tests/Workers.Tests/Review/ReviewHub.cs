using System.Globalization;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Tests.Approval;
using ChuyenDoiSo.Workers.Tests.Portal;
using ChuyenDoiSo.Workers.Tests.Smtp;

namespace ChuyenDoiSo.Workers.Tests.Review;

/// <summary>
/// `run` as a real process with Bình Chương's plan saying `approval: required`, its office, signer and operator users in
/// hub.db (and an office user of another plan), and a real SMTP server (<see cref="SmtpSink"/>) the hub sends to.
/// </summary>
public class ReviewHub : PortalHub
{
    /// <summary>An office user of Tam Phước's plan: nothing of Bình Chương's is theirs.</summary>
    public const string OtherPlanOffice = "vanphong.tp";

    private string? _seeds;

    public SmtpSink Smtp { get; } = SmtpSink.Start();

    protected override string Seeds => _seeds ??= Prepare(ApprovalSetup.Seeds(Path.Combine(Folder, "review")));

    /// <summary>Changes the seeds before the hub first reads them; returns the folder.</summary>
    protected virtual string Prepare(string seeds) => seeds;

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Hub__Smtp__Host", Smtp.Host),
        new("Hub__Smtp__Port", Smtp.Port.ToString(CultureInfo.InvariantCulture)),
        new("Hub__Smtp__Security", "None"),
    ];

    protected override Task BeforeStartAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var database = new HubDatabase(DatabasePath);
        database.Migrate();
        ApprovalSetup.Users(database, DateTimeOffset.UtcNow);
        using var connection = database.Open();
        Assert.True(new UserStore(connection).Add(OtherPlanOffice, "tam-phuoc-2023", UserRoles.Office, "vanphong@tamphuoc.example",
            PasswordHash.Hash(ApprovalSetup.Password, new byte[16], 1_000), DateTimeOffset.UtcNow, "test"));
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>The same hub, with the plan's signer's certificate password typed at signing (`passwordAtSigning`).</summary>
public sealed class TypedSignerReviewHub : ReviewHub
{
    protected override string Prepare(string seeds)
    {
        ApprovalSetup.PasswordAtSigning(seeds, new Signing.TestCertificates(Path.Combine(Folder, "certificates")));
        return seeds;
    }
}
