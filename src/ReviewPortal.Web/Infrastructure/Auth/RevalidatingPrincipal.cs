using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>
/// An open tab keeps its circuit for hours, and with it the sign-in it started with. Every
/// <c>Auth:RevalidateEvery</c> (5 minutes by default) the circuit asks again whether the person may still be here: a person
/// the directory now shows as departed, or whose account was removed, loses access in the open tab (the page falls back to
/// the sign-in, which Entra then refuses). A circuit without a portal identity has nothing to check.
/// </summary>
public sealed class RevalidatingPrincipal(ILoggerFactory loggers, IDbContextFactory<ReviewPortalDbContext> contexts, IConfiguration configuration)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval { get; } =
        configuration.GetValue("Auth:RevalidateEvery", TimeSpan.FromMinutes(5));

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.Identity?.IsAuthenticated != true || !int.TryParse(user.FindFirstValue(Viewer.IdentityIdClaim), out var identityId))
        {
            return true;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var person = await db.Identities.AsNoTracking().Where(i => i.Id == identityId)
            .Select(i => new { i.EmploymentStatus, i.Status }).FirstOrDefaultAsync(cancellationToken);
        return person is not null && person.EmploymentStatus != EmploymentStatus.Departed && person.Status != "removed";
    }
}
