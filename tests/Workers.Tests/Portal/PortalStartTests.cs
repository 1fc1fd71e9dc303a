using ChuyenDoiSo.Workers.Tests.Cli;

namespace ChuyenDoiSo.Workers.Tests.Portal;

/// <summary>`run` refuses the built-in account secret where someone other than this machine could use it.</summary>
public sealed class PortalStartTests : IDisposable
{
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Hub__Data"] = _folder.Combine("data"),
            ["Hub__Seeds"] = TestPaths.Seeds,
            ["Hub__Http__Operator__User"] = "vanhanh",
            ["Hub__Http__Operator__Password"] = "secret",
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    [Theory]
    [InlineData("Hub__Http__Urls", "http://0.0.0.0:{0}", "listens beyond loopback")]
    [InlineData("Hub__Transport", "RabbitMq", "Hub:Transport is RabbitMq")]
    public async Task Run_refusesToStartInOneLine_whileTheAccountSecretIsTheBuiltInDefault(string key, string value, string why)
    {
        var run = await HubProgram.RunAsync(_folder.Path, Environment((key, string.Format(System.Globalization.CultureInfo.InvariantCulture, value, PortalHub.FreePort())),
            ("Hub__RabbitMq__Uri", $"amqp://hub:hub@127.0.0.1:{PortalHub.FreePort()}/chuyendoiso")), TimeSpan.FromMinutes(2), "run");

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: Hub:RabbitMq:AccountSecret is the built-in default", line, StringComparison.Ordinal);
        Assert.Contains(why, line, StringComparison.Ordinal);
        Assert.Contains("Hub__RabbitMq__AccountSecret", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_refusesTheDefaultGivenExplicitly_too()
    {
        var run = await HubProgram.RunAsync(_folder.Path, Environment(("Hub__Http__Urls", $"http://0.0.0.0:{PortalHub.FreePort()}"), ("Hub__RabbitMq__AccountSecret", "change-me")), TimeSpan.FromMinutes(2), "run");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("AccountSecret", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
