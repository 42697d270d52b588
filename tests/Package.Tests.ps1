# The Package task's output: a gallery-ready module folder and a .nupkg that installs like one
# from the PowerShell Gallery. The package is made with the build's own New-ModulePackage from
# the current build output (bin/, en-US/, runtimes/), into a temporary folder; the .nupkg is then
# extracted the way Install-Module does it into a temporary PSModulePath, and a fresh pwsh
# imports the module by name and revokes a user on the emulator.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    . (Join-Path $RepoRoot 'build/Help.ps1')
    . (Join-Path $RepoRoot 'build/Package.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    $Manifest = Import-PowerShellDataFile $ManifestPath
    $Version = $Manifest.ModuleVersion
    $Package = New-ModulePackage -RepoRoot $RepoRoot -OutputRoot (Join-Path $TestDrive 'package') 3>$null 6>$null

    function Get-NupkgEntry {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package.NupkgPath)
        try { @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
    }

    function Get-Nuspec {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package.NupkgPath)
        try {
            $entry = $zip.GetEntry('Microsoft.Graph.Entra.Rs.nuspec')
            $reader = [System.IO.StreamReader]::new($entry.Open())
            try { [xml] $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }

    function Install-FromNupkg([string] $ModulesRoot) {
        # What Install-Module does with a downloaded .nupkg: extract it into
        # <PSModulePath entry>/<Name>/<Version>/ and drop NuGet's own files.
        $target = Get-FullPath (Join-Path $ModulesRoot "Microsoft.Graph.Entra.Rs/$Version")
        [System.IO.Compression.ZipFile]::ExtractToDirectory($Package.NupkgPath, $target)
        foreach ($nugetFile in '[Content_Types].xml', '_rels', 'package', 'Microsoft.Graph.Entra.Rs.nuspec') {
            Remove-Item -LiteralPath (Join-Path $target $nugetFile) -Recurse -Force -ErrorAction Ignore
        }
        $target
    }
}

Describe 'Package: module folder' {
    It 'is out/package/Microsoft.Graph.Entra.Rs/<version>' {
        Get-FullPath $Package.ModulePath | Should -BeExactly (Get-FullPath (Join-Path $TestDrive "package/Microsoft.Graph.Entra.Rs/$Version"))
        $Package.Version | Should -BeExactly $Version
    }

    It 'holds <File>' -ForEach @(
        @{ File = 'Microsoft.Graph.Entra.Rs.psd1' }
        @{ File = 'Microsoft.Graph.Entra.Rs.Format.ps1xml' }
        @{ File = 'bin/Microsoft.Graph.Entra.Rs.dll' }
        @{ File = 'en-US/Microsoft.Graph.Entra.Rs.dll-Help.xml' }
        @{ File = 'en-US/about_Microsoft.Graph.Entra.Rs.help.txt' }
        @{ File = 'LICENSE' }
        @{ File = 'README.md' }
    ) {
        Join-Path $Package.ModulePath $File | Should -Exist
    }

    It 'holds the native library of every runtime under runtimes/ (at least this platform''s)' {
        $rid = Get-RuntimeId
        $built = @(Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'runtimes') -Directory | ForEach-Object Name)
        $built | Should -Contain $rid
        $Package.RuntimeIds | Should -Be ($built | Sort-Object)
        foreach ($runtime in $built) {
            Get-ChildItem -LiteralPath (Join-Path $Package.ModulePath "runtimes/$runtime/native") -File | Should -Not -BeNullOrEmpty
        }
        Join-Path $Package.ModulePath "runtimes/$rid/native/$(Get-NativeFileName)" | Should -Exist
    }

    It 'holds nothing else (no build leftovers, no .nuspec)' {
        $files = Get-ChildItem -LiteralPath $Package.ModulePath -Recurse -File |
            ForEach-Object { [System.IO.Path]::GetRelativePath($Package.ModulePath, $_.FullName) -replace '\\', '/' }
        ($files | Sort-Object) | Should -Be ($Package.Files | Sort-Object)
    }

    It 'passes Test-ModuleManifest with the version of the source manifest' {
        $info = Test-ModuleManifest -Path (Join-Path $Package.ModulePath 'Microsoft.Graph.Entra.Rs.psd1') -ErrorAction Stop
        "$($info.Version)" | Should -BeExactly $Version
        $info.ExportedCmdlets.Keys | Should -Contain 'Revoke-EntraUserAllRefreshToken'
    }

    It 'accepts only runtimes the module can load' {
        # A RID the resolver would never look for is a packaging mistake, not something to ship.
        $fake = Join-Path $TestDrive 'fake-root'
        New-Item -ItemType Directory -Force -Path (Join-Path $fake 'runtimes/linux-musl-x64/native') | Out-Null
        { Get-PackageRuntime -RepoRoot $fake } | Should -Throw '*linux-musl-x64*'
    }

    It 'packages runtimes dropped in from other platforms (win-x64, osx-arm64)' {
        # The layout other platforms' builds drop their libraries into.
        $fake = Join-Path $TestDrive 'multi-root'
        foreach ($entry in @{ rid = 'linux-x64'; file = 'libmicrosoft_graph_entra_rs_native.so' }, @{ rid = 'win-x64'; file = 'microsoft_graph_entra_rs_native.dll' }, @{ rid = 'osx-arm64'; file = 'libmicrosoft_graph_entra_rs_native.dylib' }) {
            $dir = Join-Path $fake "runtimes/$($entry.rid)/native"
            New-Item -ItemType Directory -Force -Path $dir | Out-Null
            Set-Content -LiteralPath (Join-Path $dir $entry.file) -Value 'x'
        }
        (Get-PackageRuntime -RepoRoot $fake).RelativePath | Should -Be @(
            'runtimes/linux-x64/native/libmicrosoft_graph_entra_rs_native.so'
            'runtimes/osx-arm64/native/libmicrosoft_graph_entra_rs_native.dylib'
            'runtimes/win-x64/native/microsoft_graph_entra_rs_native.dll'
        )
    }
}

Describe 'Package: .nupkg' {
    It 'is Microsoft.Graph.Entra.Rs.<version>.nupkg beside the module folder' {
        Get-FullPath $Package.NupkgPath | Should -BeExactly (Get-FullPath (Join-Path $TestDrive "package/Microsoft.Graph.Entra.Rs.$Version.nupkg"))
        $Package.NupkgPath | Should -Exist
    }

    It 'is a NuGet package: [Content_Types].xml, _rels/.rels and the .nuspec at the root' {
        $entries = Get-NupkgEntry
        $entries | Should -Contain '[Content_Types].xml'
        $entries | Should -Contain '_rels/.rels'
        $entries | Should -Contain 'Microsoft.Graph.Entra.Rs.nuspec'
    }

    It 'has the module files at the root of the package' {
        $entries = Get-NupkgEntry
        foreach ($file in $Package.Files) { $entries | Should -Contain $file }
    }

    It 'describes the module in its .nuspec as the gallery does' {
        $metadata = (Get-Nuspec).package.metadata
        $metadata.id | Should -BeExactly 'Microsoft.Graph.Entra.Rs'
        $metadata.version | Should -BeExactly $Version
        $metadata.authors | Should -BeExactly $Manifest.Author
        $metadata.description | Should -BeExactly $Manifest.Description
        $metadata.projectUrl | Should -BeExactly $Manifest.PrivateData.PSData.ProjectUri
        $metadata.license.'#text' | Should -BeExactly 'MIT'
        $metadata.releaseNotes | Should -BeExactly $Manifest.PrivateData.PSData.ReleaseNotes
        $tags = $metadata.tags -split ' '
        $tags | Should -Contain 'PSModule'
        $tags | Should -Contain 'PSEdition_Core'
        foreach ($tag in $Manifest.PrivateData.PSData.Tags) { $tags | Should -Contain $tag }
        foreach ($cmdlet in $Manifest.CmdletsToExport) {
            $tags | Should -Contain "PSCmdlet_$cmdlet"
            $tags | Should -Contain "PSCommand_$cmdlet"
        }
    }
}

Describe 'Package: installed from the .nupkg' {
    BeforeAll {
        $ModulesRoot = Join-Path $TestDrive 'Modules'
        $Installed = Install-FromNupkg $ModulesRoot
        $Emulator = Start-GraphEmulator
    }

    AfterAll {
        Stop-GraphEmulator $Emulator
    }

    It 'imports by name from PSModulePath in a fresh pwsh, with help, and revokes a user on the emulator' {
        $separator = [System.IO.Path]::PathSeparator
        $result = Invoke-ChildPwsh -Environment @{ PSModulePath = "$ModulesRoot$separator$env:PSModulePath" } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module Microsoft.Graph.Entra.Rs
`$module = Get-Module Microsoft.Graph.Entra.Rs
'base=' + `$module.ModuleBase
'version=' + `$module.Version
'synopsis=' + (Get-Help Revoke-EntraUserAllRefreshToken).Synopsis
'about=' + [bool]((Get-Help about_Microsoft.Graph.Entra.Rs | Out-String) -match 'User.RevokeSessions.All')
Add-EntraEnvironment -Name PackagedEmulator -GraphEndpoint '$($Emulator.Url)' -AzureADEndpoint '$($Emulator.Url)' | Out-Null
Connect-Entra -Environment PackagedEmulator -AccessToken (ConvertTo-SecureString '$($Emulator.Token)' -AsPlainText -Force) -NoWelcome
`$result = Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com'
'revoked=' + `$result.UserId + ',' + `$result.Value + ',' + `$result.HttpStatus
'native=' + [Microsoft.Graph.Entra.Rs.Native.NativeLibraryResolver]::ExpectedPath
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain "base=$Installed"
        $result.Output | Should -Contain "version=$Version"
        $result.Output | Should -Contain 'synopsis=Invalidates all refresh tokens and browser session cookies of one or more users, so that they have to sign in again.'
        $result.Output | Should -Contain 'about=True'
        $result.Output | Should -Contain 'revoked=AdeleV@contoso.com,True,200'
        # The native library came from the installed package, not from the repository.
        $result.Output | Should -Contain "native=$(Get-FullPath (Join-Path $Installed "runtimes/$(Get-RuntimeId)/native/$(Get-NativeFileName)"))"
        (Get-GraphEmulatorUserState -UserId 'AdeleV@contoso.com').revocations | Should -Be 1
    }
}

Describe 'Package: the release workflow''s import check (build/Test-PackageImport.ps1)' {
    BeforeAll {
        function Invoke-ImportCheck([string] $Nupkg, [string] $ModulesRoot) {
            $output = & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build/Test-PackageImport.ps1') -Nupkg $Nupkg -ModulesRoot $ModulesRoot 2>&1
            @{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
        }
    }

    It 'passes for this build''s package: installed, imported by name, native library loaded' {
        $check = Invoke-ImportCheck $Package.NupkgPath (Join-Path $TestDrive 'check-ok')
        $check.ExitCode | Should -Be 0 -Because ($check.Output -join "`n")
        $check.Output | Should -Contain 'environment=PackageCheck'
    }

    It 'fails for a package without this machine''s native library' {
        $broken = Join-Path $TestDrive 'broken.nupkg'
        Copy-Item -LiteralPath $Package.NupkgPath -Destination $broken
        $zip = [System.IO.Compression.ZipFile]::Open($broken, 'Update')
        try {
            @($zip.Entries | Where-Object FullName -like "runtimes/$(Get-RuntimeId)/*") | ForEach-Object { $_.Delete() }
        }
        finally { $zip.Dispose() }
        $check = Invoke-ImportCheck $broken (Join-Path $TestDrive 'check-broken')
        $check.ExitCode | Should -Not -Be 0
        ($check.Output -join "`n") | Should -BeLike "*no native library for $(Get-RuntimeId)*"
    }
}
