using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// Reads the running app's seeded demo organization straight from its database, so tests can pick ids
/// and compute expected figures independently of the page under test.
/// </summary>
public sealed class DemoData(AppServer app)
{
    /// <summary>The identity the dev sign-in uses for <paramref name="personaKey"/> (the same lookup the sign-in endpoint does).</summary>
    public async Task<DevPersona> PersonaAsync(string personaKey)
    {
        using var scope = app.Services.CreateScope();
        var personas = scope.ServiceProvider.GetRequiredService<DevPersonas>();
        return await personas.FindAsync(personaKey, CancellationToken.None)
            ?? throw new InvalidOperationException($"The demo organization has no '{personaKey}' persona.");
    }

    public async Task<T> QueryAsync<T>(Func<ReviewPortalDbContext, Task<T>> query)
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>Review items waiting for <paramref name="reviewerId"/>'s decision in active campaigns.</summary>
    public Task<int> PendingReviewItemsAsync(int reviewerId) => QueryAsync(db => db.ReviewItems
        .CountAsync(i => i.ReviewerId == reviewerId && i.Outcome == null && i.Campaign.Status == CampaignStatus.Active));

    /// <summary>Approval steps waiting for <paramref name="approverId"/>.</summary>
    public Task<int> PendingApprovalsAsync(int approverId) => QueryAsync(db => db.ApprovalSteps
        .CountAsync(s => s.ApproverId == approverId && s.Status == ApprovalStatus.Pending));

    public Task<int> ActiveCampaignsAsync() => QueryAsync(db => db.Campaigns.CountAsync(c => c.Status == CampaignStatus.Active));

    public Task<int> AllIdentitiesAsync() => QueryAsync(db => db.Identities.CountAsync());

    /// <summary>The lowest-id active person, with an email, who reports directly to <paramref name="managerId"/>.</summary>
    public Task<Identity> DirectReportOfAsync(int managerId) => QueryAsync(db => db.Identities.AsNoTracking()
        .Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active
            && i.ManagerId == managerId && i.Email != null)
        .OrderBy(i => i.Id).FirstAsync());

    /// <summary>
    /// The lowest-id person with an email, in a department other than <paramref name="manager"/>'s, whom the manager
    /// neither manages nor is, so none of the "may read" rules gives the manager access.
    /// </summary>
    public Task<Identity> UnrelatedPersonForAsync(Identity manager) => QueryAsync(db => db.Identities.AsNoTracking()
        .Where(i => i.Kind == IdentityKind.Person && i.Email != null && i.Id != manager.Id
            && i.ManagerId != manager.Id && i.Department != null && i.Department != manager.Department)
        .OrderBy(i => i.Id).FirstAsync());

    public Task<Identity> IdentityAsync(int id) => QueryAsync(db => db.Identities.AsNoTracking().FirstAsync(i => i.Id == id));
}
