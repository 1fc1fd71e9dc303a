using System.CommandLine;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>bench: figures, not assertions.</summary>
public static class BenchCommand
{
    public static Command Bench()
    {
        var count = new Option<int>("--count") { Description = "Updates to push", DefaultValueFactory = _ => 50_000 };
        var command = new Command("bench", "Push updates through the embedded pipeline and compile every report; prints updates per second and compile time") { count };
        command.SetAction((parse, cancellationToken) => Workers.Bench.EmbeddedBench.RunAsync(parse, parse.GetValue(count), cancellationToken));
        return command;
    }
}
