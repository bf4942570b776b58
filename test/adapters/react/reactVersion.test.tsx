// @vitest-environment jsdom
import { version as reactVersion } from 'react'
import { version as reactDomVersion } from 'react-dom'
import { version as serverVersion } from 'react-dom/server'
import { describe, expect, inject, it } from 'vitest'

// The suites in this folder run once per supported React major (see vitest.config.ts). This
// pins which one each run really loaded, so a resolver slip cannot pass 19 off as 18.
describe('React under test', () => {
  it(`is React ${inject('reactMajor')} throughout`, () => {
    const major = inject('reactMajor')
    expect(reactVersion.split('.')[0]).toBe(major)
    expect(reactDomVersion.split('.')[0]).toBe(major)
    expect(serverVersion.split('.')[0]).toBe(major)
  })
})
