/** The error of a Go template (go-template.ts) that cannot be parsed or executed. */
import { ConfigError } from '../errors';

/** A template that cannot be parsed or executed. */
export class TemplateError extends ConfigError {
  constructor(message: string) {
    super(message, { hint: 'write a Go template such as {{ .Package.Name }}-{{ .Package.Version }} over .Package (Name, Version, Epoch, Description, URL, Commit, TargetArchitecture, Copyright, Dependencies), .Environment, .Pipeline, .Subpackages, .Data, .Vars, .VarTransforms' });
  }
}
