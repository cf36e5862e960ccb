using Microsoft.AspNetCore.Http.HttpResults;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>The one check for every redirect after sign-in: a URL of this site, or home.</summary>
public static class LocalUrl
{
    /// <summary>ASP.NET's own local-URL rule (<c>Url.IsLocalUrl</c>): "/path" or "~/path", never "//host" or "/\host".</summary>
    public static string OrHome(string? url) => !RedirectHttpResult.IsLocalUrl(url) ? "/"
        : url!.StartsWith("~/", StringComparison.Ordinal) ? url[1..] : url;
}
