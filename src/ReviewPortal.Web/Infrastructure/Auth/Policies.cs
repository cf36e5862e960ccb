using Microsoft.AspNetCore.Authorization;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>App roles (Entra app roles, or the dev persona's roles) and the policies built on them.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Compliance = "Compliance";
    public const string AppOwner = "AppOwner";
}

public static class Policies
{
    /// <summary>Any signed-in person: reviewers and requesters.</summary>
    public const string SignedIn = nameof(SignedIn);
    public const string Admin = nameof(Admin);
    /// <summary>Read-only audit access: Compliance staff and Admins.</summary>
    public const string AuditReader = nameof(AuditReader);
    /// <summary>Approvers of requests: app owners, and managers through resource checks in handlers.</summary>
    public const string AppOwner = nameof(AppOwner);

    public static void Configure(AuthorizationOptions options)
    {
        var signedIn = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        options.FallbackPolicy = signedIn;
        options.AddPolicy(SignedIn, signedIn);
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        options.AddPolicy(AuditReader, p => p.RequireAuthenticatedUser().RequireRole(Roles.Compliance, Roles.Admin));
        options.AddPolicy(AppOwner, p => p.RequireAuthenticatedUser().RequireRole(Roles.AppOwner, Roles.Admin));
    }
}
