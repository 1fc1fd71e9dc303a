using System.CommandLine;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>The verbs: a contract users and later work rely on. Mistakes exit 2 with one line on stderr.</summary>
public static class HubCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ChuyenDoiSo reporting hub: department updates in, official commune reports out.")
        {
            PlanCommands.Plans(),
            PlanCommands.Calendar(),
            PlanCommands.Validate(),
            IngestCommands.Ingest(),
            IngestCommands.Status(),
            CompileCommands.Compile(),
            DemoCommand.Demo(),
            DeliveryCommands.Schedule(),
            DeliveryCommands.Deliveries(),
            DeliveryCommands.Deliver(),
            VerifyCommand.Verify(),
            RunCommand.Run(),
            BenchCommand.Bench(),
            AccountsCommand.Accounts(),
            PublishCommand.Publish(),
            WorkbookCommands.Template(),
        };
        root.Options.Add(CliSupport.Data);
        root.Options.Add(CliSupport.Seeds);
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, naming every mistake (an unknown verb comes second, after "command not provided").
            var messages = parse.Errors.Select(e => string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            Console.Error.WriteLine($"error: {string.Join("; ", messages)} (see --help)");
            return 2;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (PlanFileException e)
        {
            foreach (var problem in e.Problems) Console.Error.WriteLine(problem);
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("HUB_DEBUG") is null)
        {
            // A fault of ours, not the user's: one line, and HUB_DEBUG=1 shows the stack trace.
            Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message} (set HUB_DEBUG=1 for details)");
            return 1;
        }
    }
}
