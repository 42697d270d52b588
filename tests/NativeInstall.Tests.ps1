# build.ps1 installs the native library by writing a new file and renaming it into place, so a
# pwsh that has the old one loaded keeps running (copying over a mapped library crashed such a
# pwsh on Linux; Windows refuses to overwrite a loaded DLL).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    . (Join-Path $RepoRoot 'build/Install-NativeLibrary.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force
    $Built = Join-Path $RepoRoot "runtimes/$(Get-RuntimeId)/native/$(Get-NativeFileName)"
}

Describe 'Install-NativeLibrary' {
    It 'puts the new file in place and leaves nothing else in the folder' {
        $folder = Join-Path $TestDrive 'fresh'
        $destination = Join-Path $folder (Get-NativeFileName)
        $result = Install-NativeLibrary -Source $Built -Destination $destination
        $result.Path | Should -BeExactly $destination
        $result.MovedAside | Should -BeNullOrEmpty
        (Get-FileHash -LiteralPath $destination).Hash | Should -BeExactly (Get-FileHash -LiteralPath $Built).Hash
        @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @(Get-NativeFileName)
    }

    It 'removes what earlier builds left beside it (a staged copy, an old library renamed aside)' {
        $folder = Join-Path $TestDrive 'stale'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $leaf = Get-NativeFileName
        Set-Content -LiteralPath (Join-Path $folder "$leaf.4242.new") -Value 'staged'
        Set-Content -LiteralPath (Join-Path $folder "$leaf.old-20260101000000000") -Value 'old'
        Set-Content -LiteralPath (Join-Path $folder 'unrelated.txt') -Value 'kept'
        Install-NativeLibrary -Source $Built -Destination (Join-Path $folder $leaf) | Out-Null
        @(Get-ChildItem -LiteralPath $folder -Force | Sort-Object Name).Name | Should -Be @($leaf, 'unrelated.txt' | Sort-Object)
    }

    Context 'next to a running session' {
        BeforeAll {
            $Emulator = Start-GraphEmulator -Users 300
        }

        AfterAll {
            Stop-GraphEmulator $Emulator
        }

        It 'keeps a pwsh that loaded the old library running mid-run while the new one is installed' {
            # The child loads its own copy (ENTRA_RS_NATIVE_PATH), so the build's library is untouched.
            $folder = Join-Path $TestDrive 'loaded'
            $loaded = Join-Path $folder (Get-NativeFileName)
            Install-NativeLibrary -Source $Built -Destination $loaded | Out-Null
            # The "new build": same size, different bytes. Written over the mapped file in place,
            # it would replace the code under the running process.
            $replacement = Join-Path $TestDrive 'replacement.bin'
            [System.IO.File]::WriteAllBytes($replacement, [byte[]]::new((Get-Item -LiteralPath $loaded).Length))
            $ready = Join-Path $TestDrive 'child-ready'
            $go = Join-Path $TestDrive 'child-go'
            $users = 1..300 | ForEach-Object { 'user{0:D6}@contoso.com' -f $_ }

            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ManifestPath'
Add-EntraEnvironment -Name InstallEmulator -GraphEndpoint '$($Emulator.Url)' -AzureADEndpoint '$($Emulator.Url)' | Out-Null
Connect-Entra -Environment InstallEmulator -AccessToken (ConvertTo-SecureString '$($Emulator.Token)' -AsPlainText -Force) -NoWelcome
`$first = Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com'
Set-Content -LiteralPath '$ready' -Value 'loaded'
# Hang guard only (a count of polls, no timing is asserted): the parent installs, then says go.
for (`$i = 0; -not (Test-Path -LiteralPath '$go') -and `$i -lt 6000; `$i++) { Start-Sleep -Milliseconds 50 }
`$results = @(Get-Content -LiteralPath '$(Join-Path $TestDrive 'users.txt')' | Revoke-EntraUserAllRefreshToken)
'revoked=' + @(`$results | Where-Object Value).Count
'context=' + (Get-EntraContext).Environment
"@
            Set-Content -LiteralPath (Join-Path $TestDrive 'users.txt') -Value $users
            $child = Start-ChildPwsh -Script $script -Environment @{ ENTRA_RS_NATIVE_PATH = $loaded }
            try {
                for ($i = 0; -not (Test-Path -LiteralPath $ready) -and -not $child.Process.HasExited -and $i -lt 6000; $i++) { Start-Sleep -Milliseconds 50 }
                Test-Path -LiteralPath $ready | Should -BeTrue -Because 'the child loaded the library and revoked a user'

                $result = Install-NativeLibrary -Source $replacement -Destination $loaded 3>$null
                Set-Content -LiteralPath $go -Value 'go'
                $output = Wait-ChildPwsh $child
            }
            finally {
                if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
            }

            $child.Process.ExitCode | Should -Be 0 -Because ($output -join "`n")
            $output | Should -Contain "revoked=$($users.Count)"
            $output | Should -Contain 'context=InstallEmulator'
            # The new file is in place (on Windows the loaded one was renamed aside).
            (Get-FileHash -LiteralPath $loaded).Hash | Should -BeExactly (Get-FileHash -LiteralPath $replacement).Hash
            if (-not $IsWindows) { $result.MovedAside | Should -BeNullOrEmpty }
            @(Get-ChildItem -LiteralPath $folder -Filter '*.new' -Force) | Should -BeNullOrEmpty
        }
    }
}
