# The module manifest, its version, its exports, and the promise that importing the module
# loads no native code (fast import; the Rust library is opened on first use).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    $Module = Get-Module Microsoft.Graph.Entra.Rs
    $Assembly = $Module.ImplementingAssembly
}

Describe 'Module manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'has the version of the assembly and of the C# project' {
        $manifestVersion = (Import-PowerShellDataFile $ManifestPath).ModuleVersion
        [xml] $project = Get-Content (Join-Path $RepoRoot 'cmdlets/Microsoft.Graph.Entra.Rs.csproj') -Raw
        $projectVersion = @($project.Project.PropertyGroup.Version | Where-Object { $_ })[0]
        $manifestVersion | Should -BeExactly $projectVersion
        $assemblyVersion = $Assembly.GetName().Version
        "$($assemblyVersion.Major).$($assemblyVersion.Minor).$($assemblyVersion.Build)" | Should -BeExactly $manifestVersion
    }

    It 'targets PowerShell 7.4+ Core only' {
        # These two fields are what make Windows PowerShell 5.1 refuse the module (5.1 cannot be
        # run here). Import-Module checks PowerShellVersion before loading anything and fails
        # with Modules_InsufficientPowerShellVersion: "The version of Windows PowerShell on this
        # computer is '5.1.x'. The module '...\Microsoft.Graph.Entra.Rs.psd1' requires a minimum
        # Windows PowerShell version of '7.4' to run." CompatiblePSEditions = Core says the
        # same to the gallery (PSEdition_Core) and to Get-Module -ListAvailable in 5.1.
        $data = Import-PowerShellDataFile $ManifestPath
        $data.PowerShellVersion | Should -Be '7.4'
        $data.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'is refused, naming the version it needs, by a PowerShell older than PowerShellVersion' {
        # The 5.1 case above, reproduced on this PowerShell: the same manifest asking for a
        # version above the running one is refused by the same check, with the same error id.
        $copy = Join-Path $TestDrive 'Microsoft.Graph.Entra.Rs.psd1'
        $required = "$($PSVersionTable.PSVersion.Major + 1).0"
        (Get-Content -Raw $ManifestPath) -replace "PowerShellVersion\s*=\s*'7\.4'", "PowerShellVersion = '$required'" |
            Set-Content -LiteralPath $copy
        (Import-PowerShellDataFile $copy).PowerShellVersion | Should -Be $required
        # In a fresh process: this one has the module loaded already, so Import-Module would skip it.
        $result = Invoke-ChildPwsh -Script "try { Import-Module '$copy' -ErrorAction Stop; 'imported' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $result.Output | Should -Not -Contain 'imported'
        $result.Output[0] | Should -BeLike 'Modules_InsufficientPowerShellVersion,*'
        $result.Output[1] | Should -Match "requires a minimum PowerShell version of '$([regex]::Escape($required))'"
    }

    It 'has the identity the gallery shows: version, GUID, author, description, copyright' {
        $data = Import-PowerShellDataFile $ManifestPath
        [version] $data.ModuleVersion | Should -BeOfType [version]
        [guid] $data.GUID | Should -Not -Be ([guid]::Empty)
        $data.Author | Should -Not -BeNullOrEmpty
        $data.Copyright | Should -Not -BeNullOrEmpty
        $data.Description.Length | Should -BeGreaterThan 40
        $data.RootModule | Should -Be 'bin/Microsoft.Graph.Entra.Rs.dll'
    }

    It 'lists its cmdlets explicitly (no wildcard) and processes its format file' {
        $data = Import-PowerShellDataFile $ManifestPath
        @($data.CmdletsToExport).Count | Should -BeGreaterThan 0
        $data.CmdletsToExport | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        $data.FormatsToProcess | Should -Be @('Microsoft.Graph.Entra.Rs.Format.ps1xml')
        Join-Path $RepoRoot $data.FormatsToProcess[0] | Should -Exist
        (Get-Module Microsoft.Graph.Entra.Rs).ExportedFormatFiles | Should -Not -BeNullOrEmpty
    }

    It 'has the PowerShell Gallery metadata: Tags, LicenseUri, ProjectUri, ReleaseNotes' {
        $psData = (Import-PowerShellDataFile $ManifestPath).PrivateData.PSData
        @($psData.Tags).Count | Should -BeGreaterThan 0
        $psData.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty -Because 'gallery tags cannot contain spaces'
        $psData.Tags | Should -Contain 'PSEdition_Core'
        foreach ($uri in $psData.LicenseUri, $psData.ProjectUri) {
            ([uri] $uri).IsAbsoluteUri | Should -BeTrue
            ([uri] $uri).Scheme | Should -Be 'https'
        }
        $psData.LicenseUri | Should -BeLike "$($psData.ProjectUri)*/LICENSE"
        $psData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'ships the MIT license its LicenseUri points to' {
        Join-Path $RepoRoot 'LICENSE' | Should -Exist
        Get-Content -Raw (Join-Path $RepoRoot 'LICENSE') | Should -Match '^MIT License'
    }

    It 'exports <Cmdlet>' -TestCases @(
        # Only the cmdlets that exist so far; the manifest also lists those still being written.
        @{ Cmdlet = 'Add-EntraEnvironment' }
        @{ Cmdlet = 'Get-EntraEnvironment' }
        @{ Cmdlet = 'Connect-Entra' }
        @{ Cmdlet = 'Disconnect-Entra' }
        @{ Cmdlet = 'Get-EntraContext' }
        @{ Cmdlet = 'Revoke-EntraUserAllRefreshToken' }
    ) {
        Get-Command $Cmdlet -Module Microsoft.Graph.Entra.Rs -CommandType Cmdlet | Should -Not -BeNullOrEmpty
    }

    It 'lists every cmdlet the assembly defines in CmdletsToExport' {
        $exported = (Import-PowerShellDataFile $ManifestPath).CmdletsToExport
        $defined = $Assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        $defined | Should -Not -BeNullOrEmpty
        foreach ($name in $defined) { $exported | Should -Contain $name }
    }

    It 'exports no functions, aliases or variables' {
        $data = Import-PowerShellDataFile $ManifestPath
        $data.FunctionsToExport | Should -BeNullOrEmpty
        $data.AliasesToExport | Should -BeNullOrEmpty
        $data.VariablesToExport | Should -BeNullOrEmpty
    }
}

Describe 'Module import' {
    It 'loads no native library until a cmdlet needs it' {
        # A fresh process: in this one other test files may already have used the library.
        $result = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ManifestPath'
Get-EntraEnvironment | Out-Null   # runs managed code (and the module initializer) only
`$names = [System.Diagnostics.Process]::GetCurrentProcess().Modules.ModuleName
# Positive control: the runtime itself is listed, so the check can see native modules.
'coreclr=' + [bool](`$names -match 'coreclr')
'entra=' + [bool](`$names -match 'microsoft_graph_entra_rs_native')
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'coreclr=True'
        $result.Output | Should -Contain 'entra=False'
    }

    It 'loads the native library when Add-EntraEnvironment checks endpoints (the native rule), not before' {
        # What Add-EntraEnvironment's help says: invoking it loads native code, importing does not.
        $result = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ManifestPath'
`$loaded = { [bool]([System.Diagnostics.Process]::GetCurrentProcess().Modules.ModuleName -match 'microsoft_graph_entra_rs_native') }
'before=' + (& `$loaded)
Add-EntraEnvironment -Name ManifestTestsLoopback -GraphEndpoint http://127.0.0.1:9 -AzureADEndpoint http://127.0.0.1:9 | Out-Null
'after=' + (& `$loaded)
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'before=False'
        $result.Output | Should -Contain 'after=True'
    }
}
