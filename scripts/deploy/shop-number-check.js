// Local Serverless plugin: the ERP shop number is checked where it matters, not on every command.
// - `package`, `deploy` and `deploy function` refuse to run without it (a clear message, before
//   anything is built or sent);
// - `invoke`, `logs`, `info`, `remove` need no shop number: they never build the functions' environment
//   for AWS, so they work with only `--stage` (the stage's values live in serverless.yml `params.<stage>`);
// - `invoke local` lets the documented variables of docs/design.md §9 given in the process environment
//   or with `--env NAME=value` apply: it leaves out of the template's environment every variable whose
//   parameter is empty or that the process environment sets (the framework would otherwise overwrite
//   the process environment with the template's value; `--env` is applied after it either way).
const { requireShopId } = require('./environment');

class FecjstShopNumberCheck {
  constructor(serverless) {
    this.serverless = serverless;
    const check = () => this.checkShopNumber();
    this.hooks = {
      initialize: () => this.letLocalEnvironmentApply(),
      'before:package:initialize': check,
      'before:deploy:function:initialize': check,
    };
  }

  command() {
    return (this.serverless.processedInput?.commands ?? []).join(' ');
  }

  checkShopNumber() {
    try {
      requireShopId(this.serverless.service.provider.environment?.JST_SHOP_ID);
    } catch (error) {
      throw new this.serverless.classes.Error(error.message, 'FECJST_SHOP_ID_REQUIRED');
    }
  }

  letLocalEnvironmentApply() {
    if (this.command() !== 'invoke local') return;
    const environment = this.serverless.service.provider.environment ?? {};
    for (const [name, value] of Object.entries(environment)) {
      if (value === '' || (process.env[name] ?? '') !== '') delete environment[name];
    }
  }
}

module.exports = FecjstShopNumberCheck;
