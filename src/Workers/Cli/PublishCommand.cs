using System.CommandLine;
using ChuyenDoiSo.Workers.Broker;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>publish: what a department runs to send its updates to the hub through RabbitMQ.</summary>
public static class PublishCommand
{
    public static Command Publish()
    {
        var file = new Option<string>("--file") { Description = "A JSON file holding one message or an array of messages", Required = true };
        var user = new Option<string?>("--user") { Description = "The department's broker user <plan>.<DEPARTMENT> (default: the user in Hub:RabbitMq:Uri); with --plan, the department code is enough" };
        var password = new Option<string?>("--password") { Description = "Its password (default: the password in Hub:RabbitMq:Uri)" };
        var plan = new Option<string?>("--plan") { Description = "The plan id, when --user is only the department code" };
        var timeout = new Option<int>("--confirm-timeout") { Description = "Seconds to wait for the broker's confirms", DefaultValueFactory = _ => 30 };
        var command = new Command("publish",
            "Publish messages to the hub's exchange as a department (routing key and user_id = the broker user), persistent, with publisher confirms; " +
            "prints one line per confirmed message; exit 3 when the broker cannot be reached, refuses access or does not confirm")
        {
            file, user, password, plan, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var messages = DepartmentPublisher.ReadFile(parse.GetValue(file)!, out var refused);
            foreach (var (source, reasons) in refused)
            {
                Console.Error.WriteLine($"not sent {source}");
                foreach (var reason in reasons) Console.Error.WriteLine($"           {reason.Field}: {reason.Message} [{reason.Code}]");
            }
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
}
