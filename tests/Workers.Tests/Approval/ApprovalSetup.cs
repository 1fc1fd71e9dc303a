using ChuyenDoiSo.Workers.Tests.Cli;
using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Tests.Signing;

namespace ChuyenDoiSo.Workers.Tests.Approval;

/// <summary>A seeds folder whose Bình Chương plan says `approval: required`, and its office and signer users.</summary>
public static class ApprovalSetup
{
    public const string PlanId = "binh-chuong-2026";
    public const string Office = "vanphong.bc";
    public const string Signer = "chutich.bc";
    public const string Operator = "vanhanh.bc";
    public const string OfficeEmail = "vanphong@binhchuong.example";
    public const string SignerEmail = "chutich@binhchuong.example";
    public const string Password = "mật khẩu dài đủ 1";

    /// <summary>
    /// Copies the seeds into <paramref name="folder"/>/seeds with the plan's approval required and, when given, its
    /// delivery.lateNotice; returns the folder.
    /// </summary>
    public static string Seeds(string folder, params string[] lateNotice)
    {
        var seeds = Path.Combine(folder, "seeds");
        Directory.CreateDirectory(Path.Combine(seeds, "holidays"));
        foreach (var file in Directory.EnumerateFiles(TestPaths.Seeds, "*.json")) File.Copy(file, Path.Combine(seeds, Path.GetFileName(file)));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.Seeds, "holidays"), "*.json")) File.Copy(file, Path.Combine(seeds, "holidays", Path.GetFileName(file)));
        var path = Path.Combine(seeds, $"{PlanId}.json");
        var plan = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        plan["approval"] = "required";
        if (lateNotice.Length > 0) plan["delivery"]!["lateNotice"] = new JsonArray([.. lateNotice.Select(n => JsonValue.Create(n))]);
        File.WriteAllText(path, plan.ToJsonString(PlanJson.Indented));
        return seeds;
    }

    /// <summary>The signer's certificate password in the tests that type it at approval (a PKCS#12 of its own, not TestCertificates.Password).</summary>
    public const string CertificatePassword = "mật khẩu chứng thư của chủ tịch 7";

    /// <summary>
    /// Gives the plan in <paramref name="seeds"/> its own certificates: the agency's with its password in the file, the signer's
    /// with `passwordAtSigning` (typed at approval: <see cref="CertificatePassword"/>); returns the signer's PKCS#12 path.
    /// </summary>
    public static string PasswordAtSigning(string seeds, TestCertificates certificates)
    {
        var agency = certificates.Issue("agency.p12", "UBND xã Bình Chương", notBefore: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var signer = certificates.Issue("signer.p12", "Nguyễn Văn Chủ Tịch", notBefore: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        // The signer keeps the key under a password of its own.
        var collection = new X509Certificate2Collection();
        collection.AddRange(X509CertificateLoader.LoadPkcs12CollectionFromFile(signer, TestCertificates.Password, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet));
        File.WriteAllBytes(signer, collection.Export(X509ContentType.Pfx, CertificatePassword)!);
        var path = Path.Combine(seeds, $"{PlanId}.json");
        var plan = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        plan["signing"] = new JsonObject
        {
            ["agency"] = new JsonObject { ["certificate"] = agency, ["password"] = TestCertificates.Password },
            ["signer"] = new JsonObject { ["certificate"] = signer, ["passwordAtSigning"] = true },
        };
        File.WriteAllText(path, plan.ToJsonString(PlanJson.Indented));
        return signer;
    }

    /// <summary>The office, the signer and an operator of the plan, as `users add` keeps them (fewer PBKDF2 iterations: the hash is still checked).</summary>
    public static void Users(HubDatabase database, DateTimeOffset at)
    {
        using var connection = database.Open();
        var store = new UserStore(connection);
        var hash = PasswordHash.Hash(Password, new byte[16], 1_000);
        Assert.True(store.Add(Office, PlanId, UserRoles.Office, OfficeEmail, hash, at, "test"));
        Assert.True(store.Add(Signer, PlanId, UserRoles.Signer, SignerEmail, hash, at, "test"));
        Assert.True(store.Add(Operator, PlanId, UserRoles.Operator, "vanhanh@binhchuong.example", hash, at, "test"));
    }

    /// <summary>The gauges' current values, read as an exporter reads them: a MeterListener on this host's meter only (tests run side by side).</summary>
    public static IReadOnlyDictionary<string, long> Gauges(IServiceProvider services, params string[] names)
    {
        _ = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ChuyenDoiSo.Workers.Operations.HubMetrics>(services);
        var factory = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IMeterFactory>(services);
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ChuyenDoiSo.Workers.Operations.HubMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory) && names.Contains(instrument.Name)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}

/// <summary>
/// A folder of its own for CLI and process tests of approval: the seeds with the plan's approval required, a data folder
/// whose hub.db has the office, signer and operator users, and the hub's verbs run against both.
/// </summary>
public sealed class ApprovalFolder : IDisposable
{
    private readonly TempDataFolder _folder = new();

    public ApprovalFolder()
    {
        Seeds = ApprovalSetup.Seeds(_folder.Path);
        Directory.CreateDirectory(Data);
        var database = new HubDatabase(System.IO.Path.Combine(Data, "hub.db"));
        database.Migrate();
        ApprovalSetup.Users(database, DateTimeOffset.UtcNow);
    }

    public string Path => _folder.Path;
    public string Seeds { get; }
    public string Data => _folder.Combine("data");

    public string Combine(params string[] parts) => _folder.Combine(parts);

    /// <summary>A verb against this folder's data and seeds; <paramref name="password"/>, when given, is its standard input.</summary>
    public Task<HubRun> Run(string? password, params string[] args) =>
        password is null
            ? HubProgram.RunAsync(_folder.Path, [.. args, "--data", Data, "--seeds", Seeds])
            : HubProgram.RunWithInputAsync(_folder.Path, password + "\n", [.. args, "--data", Data, "--seeds", Seeds]);

    public void Dispose() => _folder.Dispose();
}
