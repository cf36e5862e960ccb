using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>Drives MudBlazor inputs through their ARIA roles (combobox / listbox / option), never Mud CSS classes.</summary>
public static class MudInputs
{
    /// <summary>Opens a single-select combobox and clicks the option with exactly <paramref name="option"/> as its name; waits for the list to close.
    /// (No value check here: once a value is chosen MudSelect shows it in a sibling element, not in the input.)</summary>
    public static async Task SelectAsync(IPage page, ILocator combobox, string option)
    {
        await combobox.ClickAsync();
        var listbox = page.GetByRole(AriaRole.Listbox);
        await listbox.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Assertions.Expect(listbox).ToHaveCountAsync(0);
    }

    /// <summary>Opens a multi-select combobox, ticks exactly <paramref name="option"/> and closes the list with Escape on the combobox.</summary>
    public static async Task MultiSelectAsync(IPage page, ILocator combobox, string option)
    {
        await combobox.ClickAsync();
        var listbox = page.GetByRole(AriaRole.Listbox);
        var item = listbox.GetByRole(AriaRole.Option, new() { Name = option, Exact = true });
        await item.ClickAsync();
        // Wait for the server to apply the selection before closing, or the Escape races the render.
        await Assertions.Expect(item).ToHaveAttributeAsync("aria-selected", "true");
        await combobox.PressAsync("Escape");
        await Assertions.Expect(listbox).ToHaveCountAsync(0);
    }
}
