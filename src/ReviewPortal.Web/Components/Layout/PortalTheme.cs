using MudBlazor;

namespace ReviewPortal.Web.Components.Layout;

/// <summary>One theme for the portal: contrast checked for WCAG AA in light and dark.</summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e79",
            Secondary = "#8a3b12",
            AppbarBackground = "#1f4e79",
            Success = "#1b5e20",
            Warning = "#8a5300",
            Error = "#b00020",
            Info = "#0b5394",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#90caf9",
            Secondary = "#ffb48a",
            AppbarBackground = "#1a2433",
            // MudBlazor's default secondary text is 4.4:1 on dark surfaces; AA needs 4.5:1.
            TextSecondary = "rgba(255,255,255,0.70)",
            Success = "#81c784",
            Warning = "#ffcc80",
            Error = "#ef9a9a",
            Info = "#90caf9",
        },
    };
}
