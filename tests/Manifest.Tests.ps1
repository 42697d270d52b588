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
        $data = Import-PowerShellDataFile $ManifestPath
        $data.PowerShellVersion | Should -Be '7.4'
        $data.CompatiblePSEditions | Should -Be @('Core')
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
}
