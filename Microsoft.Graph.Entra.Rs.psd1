# Module manifest of Microsoft.Graph.Entra.Rs.
# ModuleVersion must equal <Version> in cmdlets/Microsoft.Graph.Entra.Rs.csproj (a Pester test
# checks it). The binary module lives in bin/ and its Rust library in runtimes/<rid>/native/,
# both produced by ./build.ps1.
@{
    RootModule           = 'bin/Microsoft.Graph.Entra.Rs.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'c3f88bf2-538b-4077-9164-f1ce0c15ae33'
    Author               = 'Microsoft.Graph.Entra.Rs contributors'
    CompanyName          = 'Microsoft.Graph.Entra.Rs contributors'
    Copyright            = '(c) Microsoft.Graph.Entra.Rs contributors. MIT License.'
    Description          = 'Drop-in Microsoft Entra cmdlets (Revoke-EntraUserAllRefreshToken and friends) with a Rust core: fast import, no MSAL/Azure.Core assembly conflicts, Retry-After aware throttling.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('Microsoft.Graph.Entra.Rs.Format.ps1xml')

    # Explicit lists keep import fast (no wildcard discovery) and the surface reviewable.
    CmdletsToExport      = @(
        'Add-EntraEnvironment'
        'Get-EntraEnvironment'
        'Connect-Entra'
        'Disconnect-Entra'
        'Get-EntraContext'
        'Revoke-EntraUserAllRefreshToken'
        'Revoke-EntraSignedInUserAllRefreshToken'
        'Get-EntraUser'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('Entra', 'AzureAD', 'MicrosoftGraph', 'Identity', 'Security', 'Rust', 'PSEdition_Core')
            LicenseUri   = 'https://github.com/microsoft-graph-entra-rs/Microsoft.Graph.Entra.Rs/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/microsoft-graph-entra-rs/Microsoft.Graph.Entra.Rs'
            ReleaseNotes = '0.1.0: Revoke-EntraUserAllRefreshToken (streaming bulk revocation: Retry-After, shared pause, adaptive concurrency, -UseBatch, -WhatIf), Revoke-EntraSignedInUserAllRefreshToken, Get-EntraUser, Connect-Entra (device code, certificate, client secret, managed identity, environment variables, access token), Disconnect-Entra, Get-EntraContext, Add-/Get-EntraEnvironment. Help: Get-Help about_Microsoft.Graph.Entra.Rs.'
        }
    }
}
