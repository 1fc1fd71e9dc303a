using ChuyenDoiSo.Workers.Operations;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace ChuyenDoiSo.Workers.Portal;

/// <summary>The department portal's services: its cookie session, antiforgery, the login and the submitter.</summary>
public static class PortalServices
{
    public const string Scheme = "Portal";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var options = HubOptionsReader.Read(builder.Configuration);
        // The keys that sign session and antiforgery cookies outlive a restart, so a restart does not log everyone out.
        builder.Services.AddDataProtection()
            .SetApplicationName("chuyendoiso-hub")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(Path.Combine(options.Data, "keys"))));
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "cds_portal";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure behind HTTPS (the request's scheme, after forwarded headers); plain HTTP on loopback still works.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = PortalLinks.Root;
            o.ExpireTimeSpan = IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = PortalLinks.Root + "/login";
            o.ReturnUrlParameter = "returnUrl";
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "cds_portal_af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The portal's forms and the dashboard's (re-drive, discard) carry the same kind of token.
            o.Cookie.Path = "/";
            o.FormFieldName = PortalPages.TokenField;
        });
        builder.Services.AddSingleton<DepartmentLogin>();
        builder.Services.AddSingleton<PortalSubmitter>();
        return builder;
    }
}
