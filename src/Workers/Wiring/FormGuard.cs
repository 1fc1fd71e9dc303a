using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace ChuyenDoiSo.Workers.Wiring;

/// <summary>What every form of the hub's pages needs (the portal's, the review pages'): the antiforgery token, and a return path that stays on the site.</summary>
public static class FormGuard
{
    /// <summary>False when a POST carries no valid antiforgery token of this site (or a stale one): refuse it before reading anything.</summary>
    public static async Task<bool> IsValidAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    /// <summary>The token a page's forms carry (its cookie is set with it).</summary>
    public static string Token(HttpContext context) => context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!;

    /// <summary>Only a path under <paramref name="root"/>: never another site (an open redirect), never //host.</summary>
    public static string? LocalPath(string root, string? returnUrl) =>
        returnUrl is { Length: > 0 } r && r.StartsWith(root + "/", StringComparison.Ordinal) && !r.StartsWith("//", StringComparison.Ordinal) && !r.Contains('\\', StringComparison.Ordinal) ? r : null;
}
