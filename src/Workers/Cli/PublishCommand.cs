using System.CommandLine;
using ChuyenDoiSo.Workers.Broker;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>publish: what a department runs to send its updates to the hub through RabbitMQ.</summary>
public static class PublishCommand
{
    public static Command Publish()
    {
        var file = CliSupport.InputFile(new Option<string>("--file") { Description = "A JSON file holding one message or an array of messages", Required = true });
        var user = new Option<string?>("--user") { Description = "The department's broker user <plan>.<DEPARTMENT> (default: the user in Hub:RabbitMq:Uri); with --plan, the department code is enough" };
        var password = new Option<string?>("--password") { Description = "Its password (default: the password in Hub:RabbitMq:Uri)" };
        var plan = new Option<string?>("--plan") { Description = "The plan id, when --user is only the department code" };
        var timeout = CliSupport.WholeNumber("--confirm-timeout", "Seconds to wait for the broker's confirms (1 to 3600)", 30, 1, 3600);
        var command = new Command("publish",
            "Publish messages to the hub's exchange as a department (routing key and user_id = the broker user), persistent, with publisher confirms; " +
            "prints one line per confirmed message; exit 3 when the broker cannot be reached, refuses access or does not confirm")
        {
            file, user, password, plan, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = CliSupport.CreateBuilder(parse);
            var uriText = builder.Configuration["Hub:RabbitMq:Uri"] is { Length: > 0 } configured ? configured : BrokerSettings.DefaultUri;
            var endpoint = BrokerSettings.ParseAmqpUri(uriText, "Hub:RabbitMq:Uri");
            var (uriUser, uriPassword) = BrokerSettings.Credentials(endpoint);
            var name = parse.GetValue(user) ?? uriUser;
            if (parse.GetValue(plan) is { } planId && name is not null)
            {
                if (!name.Contains('.', StringComparison.Ordinal)) name = BrokerAccounts.UserName(planId, name);
                else if (!name.StartsWith(planId + ".", StringComparison.Ordinal))
                    throw new UserException($"--user {name} is not a department of plan {planId}; expected {planId}.<DEPARTMENT>");
            }
            if (name is null || !name.Contains('.', StringComparison.Ordinal))
                throw new UserException($"publish needs a department's broker user <plan>.<DEPARTMENT> (--user, or the user in Hub:RabbitMq:Uri); got \"{name}\"");
            var path = parse.GetValue(file)!;
            IReadOnlyList<(string Source, IReadOnlyList<Contracts.RejectionReason> Reasons)> refused = [];
            var messages = WorkbookCommands.IsWorkbook(path) ? WorkbookMessage(path, name, PlanCommands.LoadCatalog(parse)) : DepartmentPublisher.ReadFile(path, out refused);
            foreach (var (source, reasons) in refused)
            {
                Console.Error.WriteLine($"not sent {source}");
                foreach (var reason in reasons) Console.Error.WriteLine($"           {reason.Field}: {reason.Message} [{reason.Code}]");
            }
            var secret = parse.GetValue(password) ?? (name == uriUser ? uriPassword : null)
                ?? throw new UserException($"publish needs the password of {name}: --password, or in Hub:RabbitMq:Uri");
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0) throw new UserException($"--confirm-timeout {seconds}: expected a number of seconds above 0");

            try
            {
                await DepartmentPublisher.PublishAsync(endpoint, name, secret, messages,
                    m => Console.WriteLine($"confirmed {m.MessageId,-36}  {m.Source}"), TimeSpan.FromSeconds(seconds), cancellationToken);
            }
            catch (BrokerUnavailableException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 3;
            }
            Console.WriteLine($"confirmed {messages.Count} of {messages.Count} to {Wiring.BrokerIdentity.Exchange} with routing key {name}" +
                              (refused.Count > 0 ? $"; {refused.Count} not sent (the hub would refuse them)" : ""));
            return refused.Count > 0 ? 2 : 0;
        });
        return command;
    }

    /// <summary>
    /// A filled department workbook as one message. Refused before anything is published when it is broken (every
    /// problem, one line) or is another department's: the broker would refuse the body's department later anyway,
    /// and a department should hear at once that it picked the wrong file.
    /// </summary>
    private static IReadOnlyList<OutgoingMessage> WorkbookMessage(string path, string user, Reporting.Plans.PlanCatalog catalog)
    {
        var workbook = WorkbookCommands.ReadDepartmentWorkbook(path, catalog);
        if (Reporting.Ingest.DepartmentIdentity.Parse(user) is { } identity && workbook.PlanId is not null
            && (identity.PlanId != workbook.PlanId || identity.Department != workbook.Department))
            throw new UserException($"{path}: impersonation refused: the workbook is department {workbook.Department}'s of plan {workbook.PlanId}, but broker user {user} is department {identity.Department} of plan {identity.PlanId}; nothing was published");
        if (!workbook.IsValid)
            throw new UserException($"{path}: not published, {workbook.Problems.Count} problem{(workbook.Problems.Count > 1 ? "s" : "")}: {string.Join("; ", workbook.Problems)}");
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(workbook.Message, Reporting.Plans.PlanJson.Options);
        return [new OutgoingMessage(path, workbook.Message!.MessageId.ToString(), body)];
    }
}
