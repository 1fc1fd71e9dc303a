using ChuyenDoiSo.Contracts;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>
/// On the broker, a department is who the broker says it is: the AMQP user_id, which RabbitMQ checks
/// against the connection's login. User names are "&lt;planId&gt;.&lt;DEPARTMENT&gt;". Pure.
/// </summary>
public static class DepartmentIdentity
{
    public static string UserName(string planId, string department) => $"{planId}.{department}";

    public static (string PlanId, string Department)? Parse(string? user)
    {
        if (string.IsNullOrEmpty(user)) return null;
        var dot = user.LastIndexOf('.');
        return dot <= 0 || dot == user.Length - 1 ? null : (user[..dot], user[(dot + 1)..]);
    }

    /// <summary>
    /// Reasons to reject a message as impersonation: no validated user, or a body that names another plan or
    /// department than the user's. The hub's own user may enter updates for any department (paper reports).
    /// A body that names no plan or department at all is not speaking for anyone: the validator reports the
    /// missing field, and calling it impersonation would send the sender looking for the wrong mistake.
    /// </summary>
    public static IReadOnlyList<RejectionReason> Check(DepartmentReportSubmitted message, string? transportUser, string? hubUser)
    {
        if (string.IsNullOrEmpty(transportUser))
            return [new RejectionReason("impersonation", "$.department", "the message has no broker-validated user_id; departments must publish with user_id set to their broker user")];
        if (hubUser is not null && transportUser == hubUser) return [];
        if (Parse(transportUser) is not { } identity)
            return [new RejectionReason("impersonation", "$.department", $"broker user \"{transportUser}\" is not a department account (<planId>.<DEPARTMENT>)")];
        var reasons = new List<RejectionReason>();
        if (!string.IsNullOrEmpty(message.PlanId) && identity.PlanId != message.PlanId)
            reasons.Add(new RejectionReason("impersonation", "$.planId", $"broker user \"{transportUser}\" belongs to plan {identity.PlanId}, but the message names plan \"{message.PlanId}\""));
        if (!string.IsNullOrEmpty(message.Department) && identity.Department != message.Department)
            reasons.Add(new RejectionReason("impersonation", "$.department", $"broker user \"{transportUser}\" is department {identity.Department}, but the message names department \"{message.Department}\""));
        return reasons;
    }
}
