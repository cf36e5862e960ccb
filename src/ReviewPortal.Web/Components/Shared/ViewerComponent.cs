using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Components.Shared;

/// <summary>
/// A page or panel that acts for the signed-in person: <see cref="ViewerAsync"/> is that person as every handler takes them
/// (read from the circuit's authentication state, so a role revoked mid-session counts at the next action).
/// </summary>
public abstract class ViewerComponent : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    protected async Task<Viewer> ViewerAsync() => Viewer.From((await AuthState).User);
}
